#include "handle.h"

#include <c10/util/Exception.h>

#include <atomic>
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
  while (!out.empty() && (out.back() == '\n' || out.back() == ' ')) out.pop_back();
  return out;
}

}  // namespace

void Export(Napi::Env env, Napi::Object exports, const char* name, NativeFn fn) {
  static bool hooked = false;
  if (!hooked) {
    hooked = true;
    napi_add_env_cleanup_hook(env, [](void*) { gShuttingDown = true; }, nullptr);
  }
  exports.Set(name, Napi::Function::New(
                        env,
                        [fn](const Napi::CallbackInfo& info) -> Napi::Value {
                          try {
                            return fn(info);
                          } catch (const Napi::Error&) {
                            throw;
                          } catch (const c10::Error& e) {
                            throw Napi::Error::New(info.Env(), CleanMessage(e.what_without_backtrace()));
                          } catch (const std::exception& e) {
                            throw Napi::Error::New(info.Env(), CleanMessage(e.what()));
                          } catch (...) {
                            throw Napi::Error::New(info.Env(), "unknown native error");
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

at::Tensor& ArgTensor(const Napi::CallbackInfo& info, size_t i) {
  TensorBox* box = i < info.Length() ? Unbox(info.Env(), info[i]) : nullptr;
  if (box == nullptr) throw Napi::TypeError::New(info.Env(), "argument " + std::to_string(i) + " is not a tensor");
  if (!box->tensor.defined()) throw Napi::Error::New(info.Env(), "tensor used after dispose()");
  return box->tensor;
}

std::vector<at::Tensor> ArgTensorList(const Napi::CallbackInfo& info, size_t i) {
  if (i >= info.Length() || !info[i].IsArray()) {
    throw Napi::TypeError::New(info.Env(), "argument " + std::to_string(i) + " is not an array of tensors");
  }
  auto array = info[i].As<Napi::Array>();
  std::vector<at::Tensor> out;
  out.reserve(array.Length());
  for (uint32_t k = 0; k < array.Length(); k++) {
    TensorBox* box = Unbox(info.Env(), array.Get(k));
    if (box == nullptr) throw Napi::TypeError::New(info.Env(), "element " + std::to_string(k) + " is not a tensor");
    if (!box->tensor.defined()) throw Napi::Error::New(info.Env(), "tensor used after dispose()");
    out.push_back(box->tensor);
  }
  return out;
}

bool HasArg(const Napi::CallbackInfo& info, size_t i) {
  return i < info.Length() && !info[i].IsUndefined() && !info[i].IsNull();
}

double ArgNumber(const Napi::CallbackInfo& info, size_t i) {
  if (!HasArg(info, i) || !info[i].IsNumber()) {
    throw Napi::TypeError::New(info.Env(), "argument " + std::to_string(i) + " must be a number");
  }
  return info[i].As<Napi::Number>().DoubleValue();
}

int64_t ArgInt(const Napi::CallbackInfo& info, size_t i) {
  if (HasArg(info, i) && info[i].IsBigInt()) {
    bool lossless = false;
    return info[i].As<Napi::BigInt>().Int64Value(&lossless);
  }
  return static_cast<int64_t>(ArgNumber(info, i));
}

bool ArgBool(const Napi::CallbackInfo& info, size_t i) { return HasArg(info, i) && info[i].ToBoolean().Value(); }

std::string ArgString(const Napi::CallbackInfo& info, size_t i) {
  if (!HasArg(info, i) || !info[i].IsString()) {
    throw Napi::TypeError::New(info.Env(), "argument " + std::to_string(i) + " must be a string");
  }
  return info[i].As<Napi::String>().Utf8Value();
}

std::vector<int64_t> ArgInts(const Napi::CallbackInfo& info, size_t i) {
  if (!HasArg(info, i) || !info[i].IsArray()) {
    throw Napi::TypeError::New(info.Env(), "argument " + std::to_string(i) + " must be an array of integers");
  }
  auto array = info[i].As<Napi::Array>();
  std::vector<int64_t> out(array.Length());
  for (uint32_t k = 0; k < array.Length(); k++) {
    Napi::Value v = array.Get(k);
    if (!v.IsNumber()) throw Napi::TypeError::New(info.Env(), "argument " + std::to_string(i) + " must hold integers");
    out[k] = v.As<Napi::Number>().Int64Value();
  }
  return out;
}

std::string DTypeName(at::ScalarType type) {
  switch (type) {
    case at::kFloat: return "float32";
    case at::kDouble: return "float64";
    case at::kLong: return "int64";
    case at::kInt: return "int32";
    case at::kByte: return "uint8";
    case at::kBool: return "bool";
    default: return c10::toString(type);
  }
}

at::ScalarType DTypeFromName(const std::string& name) {
  if (name == "float32") return at::kFloat;
  if (name == "float64") return at::kDouble;
  if (name == "int64") return at::kLong;
  if (name == "int32") return at::kInt;
  if (name == "uint8") return at::kByte;
  if (name == "bool") return at::kBool;
  throw std::invalid_argument("unknown dtype '" + name + "' (expected float32, float64, int64, int32, uint8 or bool)");
}

at::ScalarType ArgDType(const Napi::CallbackInfo& info, size_t i) {
  return HasArg(info, i) ? DTypeFromName(ArgString(info, i)) : at::kFloat;
}

at::Device ArgDevice(const Napi::CallbackInfo& info, size_t i) {
  return HasArg(info, i) ? at::Device(ArgString(info, i)) : at::Device(at::kCPU);
}

at::TensorOptions ArgOptions(const Napi::CallbackInfo& info, size_t dtypeIndex, size_t deviceIndex) {
  return at::TensorOptions().dtype(ArgDType(info, dtypeIndex)).device(ArgDevice(info, deviceIndex));
}

MemoryStats CurrentMemory() { return {gLiveTensors.load(), gBytes.load()}; }

void Dispose(Napi::Env env, const Napi::Value& value) {
  TensorBox* box = Unbox(env, value);
  if (box == nullptr) throw Napi::TypeError::New(env, "dispose() needs a tensor");
  Release(env, box);
}

}  // namespace ganforge
