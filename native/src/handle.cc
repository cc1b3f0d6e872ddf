#include "handle.h"

#include <c10/core/CPUAllocator.h>
#include <c10/util/Exception.h>
#include <torch/version.h>
#include <unistd.h>

#include <atomic>
#include <cmath>
#include <cstdlib>
#include <limits>
#include <new>
#include <sstream>

namespace ganforge {
namespace {

// Marks Externals made by this addon, so a foreign External is never taken for a tensor.
constexpr napi_type_tag kTensorTag = {0x6a9f3c5e2b7d4e11ULL, 0x8c0d2f6b9a1e4c73ULL};
constexpr uint32_t kAlive = 0x7e45a11e;

struct TensorBox {
  uint32_t magic = kAlive;
  at::Tensor tensor;
  int64_t accountedBytes = 0;
};

std::atomic<int64_t> gLiveTensors{0};
std::atomic<int64_t> gBytes{0};
// Set when the environment tears down: libtorch's own globals may be gone by then, so late finalizers leak
// their tensor instead of freeing it into a dead allocator.
bool gShuttingDown = false;

int64_t LogicalBytes(const at::Tensor& t) {
  return t.defined() ? static_cast<int64_t>(t.numel()) * static_cast<int64_t>(t.element_size()) : 0;
}

// Tells V8 about native bytes so its GC runs when native memory grows.
void AdjustExternal(Napi::Env env, int64_t delta) {
  int64_t ignored = 0;
  napi_adjust_external_memory(env, delta, &ignored);
}

void Release(Napi::Env env, TensorBox* box) {
  if (!box->tensor.defined()) return;
  box->tensor = at::Tensor();
  gLiveTensors--;
  gBytes -= box->accountedBytes;
  AdjustExternal(env, -box->accountedBytes);
  box->accountedBytes = 0;
}

TensorBox* Unbox(Napi::Env env, const Napi::Value& value) {
  if (!value.IsExternal()) return nullptr;
  bool tagged = false;
  if (napi_check_object_type_tag(env, value, &kTensorTag, &tagged) != napi_ok || !tagged) return nullptr;
  auto* box = value.As<Napi::External<TensorBox>>().Data();
  return box->magic == kAlive ? box : nullptr;
}

std::string CleanMessage(const std::string& raw) {
  // libtorch appends "Exception raised from ..." context lines in some builds; the first lines carry the message.
  std::string out = raw;
  auto cut = out.find("\nException raised from");
  if (cut != std::string::npos) out.erase(cut);
  // The dispatcher's "Could not run 'aten::…' with arguments from the 'CUDA' backend" goes on for a hundred lines
  // of registered kernels after its first paragraph; the first paragraph says it all.
  cut = out.find("\n\n");
  if (cut != std::string::npos) out.erase(cut);
  if (out.size() > 1000) out = out.substr(0, 1000) + "…";
  while (!out.empty() && (out.back() == '\n' || out.back() == ' ')) out.pop_back();
  return out;
}

// The tensor byte cap. Half the physical memory by default: a single tensor bigger than that leaves no room for
// the op's other operands, and Linux's overcommit would accept the malloc and let the OOM killer end the process
// on first touch, which is exactly the crash a hostile shape must not cause. GANFORGE_MAX_TENSOR_BYTES (a
// positive integer of bytes) overrides it, e.g. on a machine whose limit is a cgroup, not physical memory.
int64_t ComputeMaxTensorBytes() {
  if (const char* env = std::getenv("GANFORGE_MAX_TENSOR_BYTES")) {
    char* end = nullptr;
    long long v = std::strtoll(env, &end, 10);
    if (end != env && *end == '\0' && v > 0) return static_cast<int64_t>(v);
  }
  long pages = sysconf(_SC_PHYS_PAGES), pageSize = sysconf(_SC_PAGE_SIZE);
  if (pages <= 0 || pageSize <= 0) return int64_t{8} << 30;
  return static_cast<int64_t>(pages) / 2 * static_cast<int64_t>(pageSize);
}

// Every CPU allocation libtorch makes passes here: over the cap it throws (an Error in JS) instead of asking the
// kernel for memory it does not have. One compare per allocation; the data and deleter are the default's.
struct CappedAllocator final : c10::Allocator {
  c10::Allocator* inner;
  int64_t cap;
  CappedAllocator(c10::Allocator* innerAllocator, int64_t capBytes) : inner(innerAllocator), cap(capBytes) {}
// libtorch 2.3 made allocate() non-const and added copy_data(); 1.13 (Debian) has the const form only.
#if TORCH_VERSION_MAJOR > 2 || (TORCH_VERSION_MAJOR == 2 && TORCH_VERSION_MINOR >= 3)
  c10::DataPtr allocate(size_t n) override {
#else
  c10::DataPtr allocate(size_t n) const override {
#endif
    if (n > static_cast<size_t>(cap)) {
      throw ArgRangeError("a tensor of " + std::to_string(n) + " bytes is over the " + std::to_string(cap) +
                          "-byte cap (GANFORGE_MAX_TENSOR_BYTES)");
    }
    return inner->allocate(n);
  }
  c10::DeleterFnPtr raw_deleter() const override { return inner->raw_deleter(); }
#if TORCH_VERSION_MAJOR > 2 || (TORCH_VERSION_MAJOR == 2 && TORCH_VERSION_MINOR >= 3)
  void copy_data(void* dest, const void* src, std::size_t count) const override { inner->copy_data(dest, src, count); }
#endif
};

void InstallCappedAllocator() {
  static CappedAllocator capped(c10::GetCPUAllocator(), MaxTensorBytes());
  c10::SetCPUAllocator(&capped, /*priority=*/200);
}

std::string Where(const Napi::CallbackInfo& info, size_t i) { return "argument " + std::to_string(i); }

// An int64 from a JS value, or why not. Doubles in [-2^63, 2^63) convert exactly; 2^63 itself does not fit.
int64_t ToInt64(const Napi::Value& v, const std::string& where) {
  if (v.IsBigInt()) {
    bool lossless = false;
    int64_t out = v.As<Napi::BigInt>().Int64Value(&lossless);
    if (!lossless) throw ArgRangeError(where + " (a BigInt) does not fit in int64");
    return out;
  }
  if (!v.IsNumber()) throw ArgTypeError(where + " must be an integer");
  double d = v.As<Napi::Number>().DoubleValue();
  if (!std::isfinite(d) || d != std::floor(d)) throw ArgRangeError(where + " must be a whole number, not " + c10::str(d));
  if (d < -9223372036854775808.0 || d >= 9223372036854775808.0) throw ArgRangeError(where + " is outside int64");
  return static_cast<int64_t>(d);
}

std::vector<int64_t> CheckedShape(std::vector<int64_t> shape, const std::string& where, int64_t elementSize,
                                  bool allowInfer) {
  int64_t numel = 1;
  for (size_t k = 0; k < shape.size(); k++) {
    int64_t d = shape[k];
    if (d < (allowInfer ? -1 : 0)) {
      throw ArgRangeError(where + " has a negative dimension (" + std::to_string(d) + " at index " + std::to_string(k) + ")");
    }
    if (d == -1) continue;
    if (__builtin_mul_overflow(numel, d, &numel)) throw ArgRangeError(where + ": element count overflows int64");
  }
  CheckTensorBytes(where, numel, elementSize);
  return shape;
}

}  // namespace

int64_t MaxTensorBytes() {
  static const int64_t cap = ComputeMaxTensorBytes();
  return cap;
}

void CheckTensorBytes(const std::string& what, int64_t numel, int64_t elementSize) {
  int64_t bytes = 0;
  if (numel < 0 || __builtin_mul_overflow(numel, elementSize, &bytes) || bytes > MaxTensorBytes()) {
    throw ArgRangeError(what + ": " + std::to_string(numel) + " elements of " + std::to_string(elementSize) +
                        " bytes are over the " + std::to_string(MaxTensorBytes()) + "-byte tensor cap (GANFORGE_MAX_TENSOR_BYTES)");
  }
}

void Export(Napi::Env env, Napi::Object exports, const char* name, NativeFn fn) {
  static bool hooked = false;
  if (!hooked) {
    hooked = true;
    napi_add_env_cleanup_hook(env, [](void*) { gShuttingDown = true; }, nullptr);
    InstallCappedAllocator();
  }
  // Messages name the op: "narrow: start (5) + length (3) exceeds dimension size (4)."
  exports.Set(name, Napi::Function::New(
                        env,
                        [fn, name](const Napi::CallbackInfo& info) -> Napi::Value {
                          const std::string op(name);
                          auto message = [&](const std::string& raw) { return op + ": " + CleanMessage(raw); };
                          try {
                            return fn(info);
                          } catch (const Napi::Error&) {
                            throw;
                          } catch (const ArgTypeError& e) {
                            throw Napi::TypeError::New(info.Env(), message(e.what()));
                          } catch (const ArgRangeError& e) {
                            throw Napi::RangeError::New(info.Env(), message(e.what()));
                          } catch (const c10::TypeError& e) {
                            throw Napi::TypeError::New(info.Env(), message(e.what_without_backtrace()));
                          } catch (const c10::IndexError& e) {
                            throw Napi::RangeError::New(info.Env(), message(e.what_without_backtrace()));
                          } catch (const c10::ValueError& e) {
                            throw Napi::RangeError::New(info.Env(), message(e.what_without_backtrace()));
                          } catch (const c10::Error& e) {
                            throw Napi::Error::New(info.Env(), message(e.what_without_backtrace()));
                          } catch (const std::bad_alloc&) {
                            throw Napi::RangeError::New(info.Env(), op + ": out of memory");
                          } catch (const std::exception& e) {
                            throw Napi::Error::New(info.Env(), message(e.what()));
                          } catch (...) {
                            throw Napi::Error::New(info.Env(), op + ": unknown native error");
                          }
                        },
                        name));
}

Napi::Value Wrap(Napi::Env env, at::Tensor tensor) {
  if (!tensor.defined()) return env.Null();
  auto* box = new TensorBox();
  box->accountedBytes = LogicalBytes(tensor);
  box->tensor = std::move(tensor);
  gLiveTensors++;
  gBytes += box->accountedBytes;
  AdjustExternal(env, box->accountedBytes);
  auto external = Napi::External<TensorBox>::New(env, box, [](Napi::Env finalEnv, TensorBox* dead) {
    if (gShuttingDown) return;  // leak on teardown rather than free into libtorch's destroyed globals
    Release(finalEnv, dead);
    dead->magic = 0;
    delete dead;
  });
  napi_type_tag_object(env, external, &kTensorTag);
  return external;
}

Napi::Value WrapList(Napi::Env env, const std::vector<at::Tensor>& tensors) {
  auto array = Napi::Array::New(env, tensors.size());
  for (size_t i = 0; i < tensors.size(); i++) array.Set(static_cast<uint32_t>(i), Wrap(env, tensors[i]));
  return array;
}

bool IsTensor(Napi::Env env, const Napi::Value& value) { return Unbox(env, value) != nullptr; }

at::Tensor ArgTensor(const Napi::CallbackInfo& info, size_t i) {
  TensorBox* box = i < info.Length() ? Unbox(info.Env(), info[i]) : nullptr;
  if (box == nullptr) throw ArgTypeError(Where(info, i) + " is not a tensor");
  if (!box->tensor.defined()) throw ArgTypeError(Where(info, i) + ": tensor used after dispose()");
  return box->tensor;
}

c10::optional<at::Tensor> OptTensor(const Napi::CallbackInfo& info, size_t i) {
  if (!HasArg(info, i)) return c10::nullopt;
  return ArgTensor(info, i);
}

std::vector<at::Tensor> ArgTensorList(const Napi::CallbackInfo& info, size_t i) {
  if (i >= info.Length() || !info[i].IsArray()) throw ArgTypeError(Where(info, i) + " is not an array of tensors");
  auto array = info[i].As<Napi::Array>();
  std::vector<at::Tensor> out;
  out.reserve(array.Length());
  for (uint32_t k = 0; k < array.Length(); k++) {
    TensorBox* box = Unbox(info.Env(), array.Get(k));
    const std::string where = Where(info, i) + " element " + std::to_string(k);
    if (box == nullptr) throw ArgTypeError(where + " is not a tensor");
    if (!box->tensor.defined()) throw ArgTypeError(where + ": tensor used after dispose()");
    out.push_back(box->tensor);
  }
  return out;
}

bool HasArg(const Napi::CallbackInfo& info, size_t i) {
  return i < info.Length() && !info[i].IsUndefined() && !info[i].IsNull();
}

double ArgNumber(const Napi::CallbackInfo& info, size_t i) {
  if (!HasArg(info, i) || !info[i].IsNumber()) throw ArgTypeError(Where(info, i) + " must be a number");
  return info[i].As<Napi::Number>().DoubleValue();
}

int64_t ArgInt(const Napi::CallbackInfo& info, size_t i) {
  if (!HasArg(info, i)) throw ArgTypeError(Where(info, i) + " must be an integer");
  return ToInt64(info[i], Where(info, i));
}

bool ArgBool(const Napi::CallbackInfo& info, size_t i) {
  if (!HasArg(info, i)) return false;
  if (!info[i].IsBoolean()) throw ArgTypeError(Where(info, i) + " must be a boolean");
  return info[i].As<Napi::Boolean>().Value();
}

std::string ArgString(const Napi::CallbackInfo& info, size_t i) {
  if (!HasArg(info, i) || !info[i].IsString()) throw ArgTypeError(Where(info, i) + " must be a string");
  return info[i].As<Napi::String>().Utf8Value();
}

std::vector<int64_t> ArgInts(const Napi::CallbackInfo& info, size_t i) {
  if (!HasArg(info, i) || !info[i].IsArray()) throw ArgTypeError(Where(info, i) + " must be an array of integers");
  auto array = info[i].As<Napi::Array>();
  const uint32_t length = array.Length();
  if (length > 64) throw ArgRangeError(Where(info, i) + " has " + std::to_string(length) + " entries (at most 64)");
  std::vector<int64_t> out(length);
  for (uint32_t k = 0; k < length; k++) out[k] = ToInt64(array.Get(k), Where(info, i) + "[" + std::to_string(k) + "]");
  return out;
}

std::vector<int64_t> ArgShape(const Napi::CallbackInfo& info, size_t i, int64_t elementSize) {
  return CheckedShape(ArgInts(info, i), Where(info, i) + " (shape)", elementSize, /*allowInfer=*/false);
}

std::vector<int64_t> ArgTargetShape(const Napi::CallbackInfo& info, size_t i, int64_t elementSize) {
  return CheckedShape(ArgInts(info, i), Where(info, i) + " (shape)", elementSize, /*allowInfer=*/true);
}

Napi::Float64Array ArgFloat64Array(const Napi::CallbackInfo& info, size_t i, size_t length) {
  if (!HasArg(info, i) || !info[i].IsTypedArray() ||
      info[i].As<Napi::TypedArray>().TypedArrayType() != napi_float64_array) {
    throw ArgTypeError(Where(info, i) + " must be a Float64Array");
  }
  auto array = info[i].As<Napi::Float64Array>();
  if (array.ElementLength() != length) {
    throw ArgRangeError(Where(info, i) + " holds " + std::to_string(array.ElementLength()) + " values, not " +
                        std::to_string(length));
  }
  return array;
}

std::string DTypeName(at::ScalarType type) {
  switch (type) {
    case at::kFloat: return "float32";
    case at::kDouble: return "float64";
    case at::kLong: return "int64";
    case at::kInt: return "int32";
    case at::kByte: return "uint8";
    case at::kBool: return "bool";
    case at::kHalf: return "float16";
    case at::kBFloat16: return "bfloat16";
    default: return c10::toString(type);
  }
}

at::ScalarType DTypeFromName(const std::string& name) {
  if (name == "float32") return at::kFloat;
  if (name == "float64") return at::kDouble;
  if (name == "int64") return at::kLong;
  if (name == "int32") return at::kInt;
  if (name == "float16") return at::kHalf;
  if (name == "bfloat16") return at::kBFloat16;
  if (name == "uint8") return at::kByte;
  if (name == "bool") return at::kBool;
  throw ArgRangeError("unknown dtype '" + name + "' (expected float32, float64, float16, bfloat16, int64, int32, uint8 or bool)");
}

at::ScalarType ArgDType(const Napi::CallbackInfo& info, size_t i) {
  return HasArg(info, i) ? DTypeFromName(ArgString(info, i)) : at::kFloat;
}

at::Device ArgDevice(const Napi::CallbackInfo& info, size_t i) {
  if (!HasArg(info, i)) return at::Device(at::kCPU);
  std::string name = ArgString(info, i);
  try {
    return at::Device(name);
  } catch (const c10::Error&) {
    throw ArgRangeError(Where(info, i) + ": unknown device '" + name + "'");
  }
}

at::TensorOptions ArgOptions(const Napi::CallbackInfo& info, size_t dtypeIndex, size_t deviceIndex) {
  return at::TensorOptions().dtype(ArgDType(info, dtypeIndex)).device(ArgDevice(info, deviceIndex));
}

MemoryStats CurrentMemory() { return {gLiveTensors.load(), gBytes.load()}; }

void Dispose(Napi::Env env, const Napi::Value& value) {
  TensorBox* box = Unbox(env, value);
  if (box == nullptr) throw ArgTypeError("argument 0 is not a tensor");
  Release(env, box);
}

}  // namespace ganforge
