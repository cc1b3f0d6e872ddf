// The runtime around the tensors: the global random state, memory accounting and dispose, threads, version.
#include <ATen/CPUGeneratorImpl.h>
#include <ATen/Parallel.h>
#include <torch/version.h>

#include <cstring>
#include <mutex>

#include "handle.h"

namespace ganforge {
namespace {

// ---- random state ----
Napi::Value ManualSeed(const Napi::CallbackInfo& i) {
  at::manual_seed(static_cast<uint64_t>(ArgInt(i, 0)));
  return i.Env().Undefined();
}
at::Tensor DefaultRngState() {
  at::Generator gen = at::detail::getDefaultCPUGenerator();
  std::lock_guard<std::mutex> lock(gen.mutex());
  return gen.get_state();
}
Napi::Value RngState(const Napi::CallbackInfo& i) {
  at::Tensor state = DefaultRngState();
  return Napi::Buffer<uint8_t>::Copy(i.Env(), state.data_ptr<uint8_t>(), state.numel());
}
// setRngState(bytes): exactly the Uint8Array (or Buffer) rngState() returns, byte count included.
Napi::Value SetRngState(const Napi::CallbackInfo& i) {
  if (!HasArg(i, 0) || !i[0].IsTypedArray() || i[0].As<Napi::TypedArray>().TypedArrayType() != napi_uint8_array) {
    throw ArgTypeError("argument 0 must be a Uint8Array");
  }
  auto bytes = i[0].As<Napi::Uint8Array>();
  const int64_t expected = DefaultRngState().numel();
  if (static_cast<int64_t>(bytes.ElementLength()) != expected) {
    throw ArgRangeError("argument 0 holds " + std::to_string(bytes.ElementLength()) + " bytes; a CPU generator state has " +
                        std::to_string(expected));
  }
  at::Tensor state = at::empty({expected}, at::kByte);
  std::memcpy(state.data_ptr(), bytes.Data(), static_cast<size_t>(expected));
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
Napi::Value SetNumThreads(const Napi::CallbackInfo& i) {
  int64_t n = ArgInt(i, 0);
  if (n < 1 || n > 1024) throw ArgRangeError("argument 0 (threads) must be in 1..1024, not " + std::to_string(n));
  at::set_num_threads(static_cast<int>(n));
  return i.Env().Undefined();
}
Napi::Value NumThreads(const Napi::CallbackInfo& i) { return Napi::Number::New(i.Env(), at::get_num_threads()); }
Napi::Value Version(const Napi::CallbackInfo& i) { return Napi::String::New(i.Env(), TORCH_VERSION); }

}  // namespace

void RegisterRuntime(Napi::Env env, Napi::Object exports) {
  Export(env, exports, "manualSeed", ManualSeed);
  Export(env, exports, "rngState", RngState);
  Export(env, exports, "setRngState", SetRngState);
  Export(env, exports, "memory", Memory);
  Export(env, exports, "dispose", DisposeTensor);
  Export(env, exports, "setNumThreads", SetNumThreads);
  Export(env, exports, "numThreads", NumThreads);
  Export(env, exports, "version", Version);
}

}  // namespace ganforge
