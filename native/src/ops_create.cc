// Creation, conversion to and from typed arrays, tensor facts and conversion, in-place fills.
#include <ATen/CPUGeneratorImpl.h>

#include <cmath>
#include <cstring>

#include <c10/core/GradMode.h>

#include "handle.h"

namespace ganforge {
namespace {

// ---- creation ----
// Shapes go through ArgShape: no negative dims, no int64 overflow, under the byte cap, before anything allocates.
int64_t Itemsize(const at::TensorOptions& options) { return static_cast<int64_t>(options.dtype().itemsize()); }

Napi::Value Zeros(const Napi::CallbackInfo& i) {
  auto options = ArgOptions(i, 1, 2);
  return Wrap(i.Env(), at::zeros(ArgShape(i, 0, Itemsize(options)), options));
}
Napi::Value Ones(const Napi::CallbackInfo& i) {
  auto options = ArgOptions(i, 1, 2);
  return Wrap(i.Env(), at::ones(ArgShape(i, 0, Itemsize(options)), options));
}
Napi::Value Full(const Napi::CallbackInfo& i) {
  auto options = ArgOptions(i, 2, 3);
  return Wrap(i.Env(), at::full(ArgShape(i, 0, Itemsize(options)), ArgNumber(i, 1), options));
}
Napi::Value Randn(const Napi::CallbackInfo& i) {
  auto options = ArgOptions(i, 1, 2);
  return Wrap(i.Env(), at::randn(ArgShape(i, 0, Itemsize(options)), options));
}
Napi::Value Rand(const Napi::CallbackInfo& i) {
  auto options = ArgOptions(i, 1, 2);
  return Wrap(i.Env(), at::rand(ArgShape(i, 0, Itemsize(options)), options));
}
Napi::Value Randint(const Napi::CallbackInfo& i) {
  auto options = at::TensorOptions().dtype(at::kLong).device(ArgDevice(i, 3));
  return Wrap(i.Env(), at::randint(ArgInt(i, 0), ArgInt(i, 1), ArgShape(i, 2, 8), options));
}
Napi::Value Arange(const Napi::CallbackInfo& i) {
  double start = ArgNumber(i, 0), end = ArgNumber(i, 1), step = ArgNumber(i, 2);
  auto options = ArgOptions(i, 3, 4);
  if (!std::isfinite(start) || !std::isfinite(end) || !std::isfinite(step) || step == 0) {
    throw ArgRangeError("start, end and step must be finite and step non-zero");
  }
  double count = std::ceil((end - start) / step);
  if (count > 0) CheckTensorBytes("arange", count > 9e18 ? -1 : static_cast<int64_t>(count), Itemsize(options));
  return Wrap(i.Env(), at::arange(start, end, step, options));
}
// randperm(n, seed?): with a seed, from a private generator, so a data order never disturbs the global stream.
Napi::Value Randperm(const Napi::CallbackInfo& i) {
  int64_t n = ArgInt(i, 0);
  if (n < 0) throw ArgRangeError("argument 0 (n) must be non-negative, not " + std::to_string(n));
  CheckTensorBytes("argument 0 (n)", n, 8);
  if (HasArg(i, 1)) {
    at::Generator gen = at::make_generator<at::CPUGeneratorImpl>(static_cast<uint64_t>(ArgInt(i, 1)));
    return Wrap(i.Env(), at::randperm(n, gen, at::TensorOptions().dtype(at::kLong)));
  }
  return Wrap(i.Env(), at::randperm(n, at::TensorOptions().dtype(at::kLong)));
}

// ---- typed arrays ----
at::ScalarType TypedArrayDType(napi_typedarray_type type) {
  switch (type) {
    case napi_float32_array: return at::kFloat;
    case napi_float64_array: return at::kDouble;
    case napi_bigint64_array: return at::kLong;
    case napi_int32_array: return at::kInt;
    case napi_uint8_array: return at::kByte;
    default: throw ArgTypeError("argument 0: unsupported typed array (use Float32Array, Float64Array, BigInt64Array, Int32Array or Uint8Array)");
  }
}

// fromTypedArray(array, shape, dtype?): copies; a Uint8Array may be read as bool. The copy's byte count is
// checked against the array's own, so no shape can make memcpy read past the array or write past the tensor.
Napi::Value FromTypedArray(const Napi::CallbackInfo& i) {
  if (!HasArg(i, 0) || !i[0].IsTypedArray()) throw ArgTypeError("argument 0 must be a typed array");
  auto array = i[0].As<Napi::TypedArray>();
  at::ScalarType type = TypedArrayDType(array.TypedArrayType());
  auto shape = ArgShape(i, 1, static_cast<int64_t>(c10::elementSize(type)));
  int64_t numel = c10::multiply_integers(shape);  // no overflow: ArgShape checked the product
  if (numel != static_cast<int64_t>(array.ElementLength())) {
    throw ArgRangeError("shape holds " + std::to_string(numel) + " elements but the array has " +
                        std::to_string(array.ElementLength()));
  }
  at::ScalarType want = HasArg(i, 2) ? ArgDType(i, 2) : type;
  if (want != type && !(want == at::kBool && type == at::kByte)) {
    throw ArgTypeError("typed array holds " + DTypeName(type) + ", not " + DTypeName(want));
  }
  at::Tensor out = at::empty(shape, at::TensorOptions().dtype(type));
  const size_t bytes = static_cast<size_t>(out.numel()) * out.element_size();
  if (bytes != array.ByteLength()) {
    throw ArgRangeError("the tensor needs " + std::to_string(bytes) + " bytes but the array holds " +
                        std::to_string(array.ByteLength()));
  }
  if (bytes > 0) std::memcpy(out.data_ptr(), static_cast<uint8_t*>(array.ArrayBuffer().Data()) + array.ByteOffset(), bytes);
  return Wrap(i.Env(), want == type ? out : out.to(at::kBool));
}

napi_typedarray_type TypedArrayTypeFor(at::ScalarType type) {
  switch (type) {
    case at::kFloat: return napi_float32_array;
    case at::kDouble: return napi_float64_array;
    case at::kLong: return napi_bigint64_array;
    case at::kInt: return napi_int32_array;
    case at::kByte: case at::kBool: return napi_uint8_array;
    default: throw ArgTypeError("cannot read " + DTypeName(type) + " into a typed array");
  }
}

// toTypedArray(t): a fresh copy of the data, row-major.
Napi::Value ToTypedArray(const Napi::CallbackInfo& i) {
  at::Tensor t = ArgTensor(i, 0).detach().to(at::kCPU).contiguous();
  napi_typedarray_type kind = TypedArrayTypeFor(t.scalar_type());
  size_t bytes = static_cast<size_t>(t.numel()) * t.element_size();
  auto buffer = Napi::ArrayBuffer::New(i.Env(), bytes);
  if (bytes > 0) std::memcpy(buffer.Data(), t.data_ptr(), bytes);
  napi_value out;
  NAPI_THROW_IF_FAILED(i.Env(), napi_create_typedarray(i.Env(), kind, t.numel(), buffer, 0, &out), Napi::Value());
  return Napi::Value(i.Env(), out);
}

Napi::Value Item(const Napi::CallbackInfo& i) {
  at::Tensor t = ArgTensor(i, 0);
  if (t.numel() != 1) throw ArgRangeError("item() needs a tensor with one element");
  return Napi::Number::New(i.Env(), t.item<double>());
}

// ---- facts ----
Napi::Value Shape(const Napi::CallbackInfo& i) {
  auto sizes = ArgTensor(i, 0).sizes();
  auto out = Napi::Array::New(i.Env(), sizes.size());
  for (size_t k = 0; k < sizes.size(); k++) out.Set(static_cast<uint32_t>(k), Napi::Number::New(i.Env(), sizes[k]));
  return out;
}
Napi::Value DType(const Napi::CallbackInfo& i) { return Napi::String::New(i.Env(), DTypeName(ArgTensor(i, 0).scalar_type())); }
Napi::Value DeviceOf(const Napi::CallbackInfo& i) { return Napi::String::New(i.Env(), ArgTensor(i, 0).device().str()); }
Napi::Value To(const Napi::CallbackInfo& i) {
  at::Tensor t = ArgTensor(i, 0);
  at::ScalarType type = HasArg(i, 1) ? ArgDType(i, 1) : t.scalar_type();
  at::Device device = HasArg(i, 2) ? ArgDevice(i, 2) : t.device();
  return Wrap(i.Env(), t.to(device, type));
}
Napi::Value Clone(const Napi::CallbackInfo& i) { return Wrap(i.Env(), ArgTensor(i, 0).clone()); }
Napi::Value Contiguous(const Napi::CallbackInfo& i) { return Wrap(i.Env(), ArgTensor(i, 0).contiguous()); }

// ---- in-place fills (initialisation, optimizer state loading) ----
Napi::Value Uniform_(const Napi::CallbackInfo& i) {
  c10::NoGradGuard noGrad;
  ArgTensor(i, 0).uniform_(ArgNumber(i, 1), ArgNumber(i, 2));
  return i.Env().Undefined();
}
Napi::Value Normal_(const Napi::CallbackInfo& i) {
  c10::NoGradGuard noGrad;
  ArgTensor(i, 0).normal_(ArgNumber(i, 1), ArgNumber(i, 2));
  return i.Env().Undefined();
}
Napi::Value Fill_(const Napi::CallbackInfo& i) {
  c10::NoGradGuard noGrad;
  ArgTensor(i, 0).fill_(ArgNumber(i, 1));
  return i.Env().Undefined();
}
Napi::Value Copy_(const Napi::CallbackInfo& i) {
  c10::NoGradGuard noGrad;
  at::Tensor dst = ArgTensor(i, 0);
  const at::Tensor src = ArgTensor(i, 1);
  if (!dst.sizes().equals(src.sizes())) {
    throw ArgRangeError("shape " + c10::str(src.sizes()) + " does not match " + c10::str(dst.sizes()));
  }
  dst.copy_(src);
  return i.Env().Undefined();
}

}  // namespace

void RegisterCreate(Napi::Env env, Napi::Object exports) {
  Export(env, exports, "zeros", Zeros);
  Export(env, exports, "ones", Ones);
  Export(env, exports, "full", Full);
  Export(env, exports, "randn", Randn);
  Export(env, exports, "rand", Rand);
  Export(env, exports, "randint", Randint);
  Export(env, exports, "arange", Arange);
  Export(env, exports, "randperm", Randperm);
  Export(env, exports, "fromTypedArray", FromTypedArray);
  Export(env, exports, "toTypedArray", ToTypedArray);
  Export(env, exports, "item", Item);
  Export(env, exports, "shape", Shape);
  Export(env, exports, "dtype", DType);
  Export(env, exports, "device", DeviceOf);
  Export(env, exports, "to", To);
  Export(env, exports, "clone", Clone);
  Export(env, exports, "contiguous", Contiguous);
  Export(env, exports, "uniform_", Uniform_);
  Export(env, exports, "normal_", Normal_);
  Export(env, exports, "fill_", Fill_);
  Export(env, exports, "copy_", Copy_);
}

}  // namespace ganforge
