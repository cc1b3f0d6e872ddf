// Creation, conversion to and from typed arrays, tensor facts, random state, memory and threads.
#include <ATen/CPUGeneratorImpl.h>
#include <ATen/Parallel.h>
#include <torch/version.h>

#include <cstring>
#include <mutex>

#include "handle.h"

namespace ganforge {
namespace {

// ---- creation ----
Napi::Value Zeros(const Napi::CallbackInfo& i) { return Wrap(i.Env(), at::zeros(ArgInts(i, 0), ArgOptions(i, 1, 2))); }
Napi::Value Ones(const Napi::CallbackInfo& i) { return Wrap(i.Env(), at::ones(ArgInts(i, 0), ArgOptions(i, 1, 2))); }
Napi::Value Full(const Napi::CallbackInfo& i) {
  return Wrap(i.Env(), at::full(ArgInts(i, 0), ArgNumber(i, 1), ArgOptions(i, 2, 3)));
}
Napi::Value Randn(const Napi::CallbackInfo& i) { return Wrap(i.Env(), at::randn(ArgInts(i, 0), ArgOptions(i, 1, 2))); }
Napi::Value Rand(const Napi::CallbackInfo& i) { return Wrap(i.Env(), at::rand(ArgInts(i, 0), ArgOptions(i, 1, 2))); }
Napi::Value Randint(const Napi::CallbackInfo& i) {
  auto options = at::TensorOptions().dtype(at::kLong).device(ArgDevice(i, 3));
  return Wrap(i.Env(), at::randint(ArgInt(i, 0), ArgInt(i, 1), ArgInts(i, 2), options));
}
Napi::Value Arange(const Napi::CallbackInfo& i) {
  return Wrap(i.Env(), at::arange(ArgNumber(i, 0), ArgNumber(i, 1), ArgNumber(i, 2), ArgOptions(i, 3, 4)));
}
// randperm(n, seed?): with a seed, from a private generator, so a data order never disturbs the global stream.
Napi::Value Randperm(const Napi::CallbackInfo& i) {
  int64_t n = ArgInt(i, 0);
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
    default: throw std::invalid_argument("unsupported typed array (use Float32Array, Float64Array, BigInt64Array, Int32Array or Uint8Array)");
  }
}

// fromTypedArray(array, shape, dtype?): copies; a Uint8Array may be read as bool.
Napi::Value FromTypedArray(const Napi::CallbackInfo& i) {
  if (!HasArg(i, 0) || !i[0].IsTypedArray()) throw Napi::TypeError::New(i.Env(), "fromTypedArray needs a typed array");
  auto array = i[0].As<Napi::TypedArray>();
  at::ScalarType type = TypedArrayDType(array.TypedArrayType());
  auto shape = ArgInts(i, 1);
  int64_t numel = 1;
  for (auto d : shape) numel *= d;
  if (numel != static_cast<int64_t>(array.ElementLength())) {
    throw Napi::RangeError::New(i.Env(), "shape holds " + std::to_string(numel) + " elements but the array has " +
                                             std::to_string(array.ElementLength()));
  }
  auto* data = static_cast<uint8_t*>(array.ArrayBuffer().Data()) + array.ByteOffset();
  at::Tensor out = at::empty(shape, at::TensorOptions().dtype(type));
  if (numel > 0) std::memcpy(out.data_ptr(), data, array.ByteLength());
  if (HasArg(i, 2)) {
    at::ScalarType want = ArgDType(i, 2);
    if (want == at::kBool && type == at::kByte) return Wrap(i.Env(), out.to(at::kBool));
    if (want != type) throw Napi::TypeError::New(i.Env(), "typed array holds " + DTypeName(type) + ", not " + DTypeName(want));
  }
  return Wrap(i.Env(), out);
}

napi_typedarray_type TypedArrayTypeFor(at::ScalarType type) {
  switch (type) {
    case at::kFloat: return napi_float32_array;
    case at::kDouble: return napi_float64_array;
    case at::kLong: return napi_bigint64_array;
    case at::kInt: return napi_int32_array;
    case at::kByte: case at::kBool: return napi_uint8_array;
    default: throw std::invalid_argument("cannot read " + DTypeName(type) + " into a typed array");
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
  at::Tensor& t = ArgTensor(i, 0);
  if (t.numel() != 1) throw Napi::RangeError::New(i.Env(), "item() needs a tensor with one element");
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
  at::Tensor& t = ArgTensor(i, 0);
  at::ScalarType type = HasArg(i, 1) ? ArgDType(i, 1) : t.scalar_type();
  at::Device device = HasArg(i, 2) ? ArgDevice(i, 2) : t.device();
  return Wrap(i.Env(), t.to(device, type));
}
Napi::Value Clone(const Napi::CallbackInfo& i) { return Wrap(i.Env(), ArgTensor(i, 0).clone()); }
Napi::Value Contiguous(const Napi::CallbackInfo& i) { return Wrap(i.Env(), ArgTensor(i, 0).contiguous()); }

// ---- in-place fills (initialisation, optimizer state loading) ----
Napi::Value Uniform_(const Napi::CallbackInfo& i) {
  at::NoGradGuard noGrad;
  ArgTensor(i, 0).uniform_(ArgNumber(i, 1), ArgNumber(i, 2));
  return i.Env().Undefined();
}
Napi::Value Normal_(const Napi::CallbackInfo& i) {
  at::NoGradGuard noGrad;
  ArgTensor(i, 0).normal_(ArgNumber(i, 1), ArgNumber(i, 2));
  return i.Env().Undefined();
}
Napi::Value Fill_(const Napi::CallbackInfo& i) {
  at::NoGradGuard noGrad;
  ArgTensor(i, 0).fill_(ArgNumber(i, 1));
  return i.Env().Undefined();
}
Napi::Value Copy_(const Napi::CallbackInfo& i) {
  at::NoGradGuard noGrad;
  at::Tensor& dst = ArgTensor(i, 0);
  const at::Tensor& src = ArgTensor(i, 1);
  if (!dst.sizes().equals(src.sizes())) {
    throw Napi::Error::New(i.Env(), "copy_: shape " + c10::str(src.sizes()) + " does not match " + c10::str(dst.sizes()));
  }
  dst.copy_(src);
  return i.Env().Undefined();
}

// ---- random state ----
Napi::Value ManualSeed(const Napi::CallbackInfo& i) {
  at::manual_seed(static_cast<uint64_t>(ArgInt(i, 0)));
  return i.Env().Undefined();
}
Napi::Value RngState(const Napi::CallbackInfo& i) {
  at::Generator gen = at::detail::getDefaultCPUGenerator();
  at::Tensor state;
  {
    std::lock_guard<std::mutex> lock(gen.mutex());
    state = gen.get_state();
  }
  auto buffer = Napi::Buffer<uint8_t>::Copy(i.Env(), state.data_ptr<uint8_t>(), state.numel());
  return buffer;
}
Napi::Value SetRngState(const Napi::CallbackInfo& i) {
  if (!HasArg(i, 0) || !i[0].IsTypedArray()) throw Napi::TypeError::New(i.Env(), "setRngState needs a Uint8Array");
  auto bytes = i[0].As<Napi::Uint8Array>();
  at::Tensor state = at::empty({static_cast<int64_t>(bytes.ElementLength())}, at::kByte);
  std::memcpy(state.data_ptr(), bytes.Data(), bytes.ElementLength());
  at::Generator gen = at::detail::getDefaultCPUGenerator();
  std::lock_guard<std::mutex> lock(gen.mutex());
  gen.set_state(state);
  return i.Env().Undefined();
}

// ---- memory, threads, build facts ----
Napi::Value Memory(const Napi::CallbackInfo& i) {
  MemoryStats stats = CurrentMemory();
  auto out = Napi::Object::New(i.Env());
  out.Set("liveTensors", Napi::Number::New(i.Env(), static_cast<double>(stats.liveTensors)));
  out.Set("bytes", Napi::Number::New(i.Env(), static_cast<double>(stats.bytes)));
  return out;
}
Napi::Value DisposeTensor(const Napi::CallbackInfo& i) {
  Dispose(i.Env(), i[0]);
  return i.Env().Undefined();
}
Napi::Value IsTensorValue(const Napi::CallbackInfo& i) {
  return Napi::Boolean::New(i.Env(), i.Length() > 0 && IsTensor(i.Env(), i[0]));
}
Napi::Value SetNumThreads(const Napi::CallbackInfo& i) {
  at::set_num_threads(static_cast<int>(ArgInt(i, 0)));
  return i.Env().Undefined();
}
Napi::Value NumThreads(const Napi::CallbackInfo& i) { return Napi::Number::New(i.Env(), at::get_num_threads()); }
Napi::Value CudaAvailable(const Napi::CallbackInfo& i) { return Napi::Boolean::New(i.Env(), at::hasCUDA()); }
Napi::Value Version(const Napi::CallbackInfo& i) { return Napi::String::New(i.Env(), TORCH_VERSION); }

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
  Export(env, exports, "manualSeed", ManualSeed);
  Export(env, exports, "rngState", RngState);
  Export(env, exports, "setRngState", SetRngState);
  Export(env, exports, "memory", Memory);
  Export(env, exports, "dispose", DisposeTensor);
  Export(env, exports, "isTensor", IsTensorValue);
  Export(env, exports, "setNumThreads", SetNumThreads);
  Export(env, exports, "numThreads", NumThreads);
  Export(env, exports, "cudaAvailable", CudaAvailable);
  Export(env, exports, "version", Version);
}

}  // namespace ganforge
