// The runtime around the tensors: the global random state, memory accounting and dispose, threads, version,
// CUDA facts and autocast (mixed precision).
#include <ATen/CPUGeneratorImpl.h>
#include <ATen/Context.h>
#include <ATen/Parallel.h>
#include <ATen/autocast_mode.h>
#include <torch/cuda.h>
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
// The default generator of a device: the CPU's, or one per CUDA device. Both keep their state as a byte tensor
// (CUDA's is seed and offset), so a checkpoint restores either the same way.
at::Generator DefaultGenerator(const at::Device& device) {
  if (device.is_cpu()) return at::detail::getDefaultCPUGenerator();
  if (!device.is_cuda()) throw ArgRangeError("no random generator state for device " + device.str());
  return at::globalContext().defaultGenerator(device);
}
at::Tensor RngStateOf(const at::Device& device) {
  at::Generator gen = DefaultGenerator(device);
  std::lock_guard<std::mutex> lock(gen.mutex());
  return gen.get_state();
}
// rngState(device?): the generator's state as bytes (CPU unless a CUDA device is named).
Napi::Value RngState(const Napi::CallbackInfo& i) {
  at::Tensor state = RngStateOf(ArgDevice(i, 0));
  return Napi::Buffer<uint8_t>::Copy(i.Env(), state.data_ptr<uint8_t>(), state.numel());
}
// setRngState(bytes, device?): exactly the Uint8Array (or Buffer) rngState(device) returns, byte count included.
Napi::Value SetRngState(const Napi::CallbackInfo& i) {
  if (!HasArg(i, 0) || !i[0].IsTypedArray() || i[0].As<Napi::TypedArray>().TypedArrayType() != napi_uint8_array) {
    throw ArgTypeError("argument 0 must be a Uint8Array");
  }
  at::Device device = ArgDevice(i, 1);
  auto bytes = i[0].As<Napi::Uint8Array>();
  const int64_t expected = RngStateOf(device).numel();
  if (static_cast<int64_t>(bytes.ElementLength()) != expected) {
    throw ArgRangeError("argument 0 holds " + std::to_string(bytes.ElementLength()) + " bytes; a " + device.str() +
                        " generator state has " + std::to_string(expected));
  }
  at::Tensor state = at::empty({expected}, at::kByte);
  std::memcpy(state.data_ptr(), bytes.Data(), static_cast<size_t>(expected));
  at::Generator gen = DefaultGenerator(device);
  std::lock_guard<std::mutex> lock(gen.mutex());
  gen.set_state(state);
  return i.Env().Undefined();
}

// ---- CUDA and mixed precision ----
// cudaDeviceCount(): 0 where this libtorch has no CUDA or the machine no GPU.
Napi::Value CudaDeviceCount(const Napi::CallbackInfo& i) {
  return Napi::Number::New(i.Env(), static_cast<double>(torch::cuda::is_available() ? torch::cuda::device_count() : 0));
}

// setAutocast(enabled, dtype?): CUDA autocast, as torch.autocast("cuda", dtype) does: matrix products and
// convolutions run in float16/bfloat16, reductions and losses in float32. Leaving it clears the cast cache,
// which holds low-precision copies of the weights for as long as autocast is on.
#if TORCH_VERSION_MAJOR > 2 || (TORCH_VERSION_MAJOR == 2 && TORCH_VERSION_MINOR >= 4)
void SetCudaAutocast(bool enabled, at::ScalarType type) {
  at::autocast::set_autocast_dtype(at::kCUDA, type);
  at::autocast::set_autocast_enabled(at::kCUDA, enabled);
}
bool CudaAutocastEnabled() { return at::autocast::is_autocast_enabled(at::kCUDA); }
#else
void SetCudaAutocast(bool enabled, at::ScalarType type) {
  at::autocast::set_autocast_gpu_dtype(type);
  at::autocast::set_enabled(enabled);
}
bool CudaAutocastEnabled() { return at::autocast::is_enabled(); }
#endif
Napi::Value SetAutocast(const Napi::CallbackInfo& i) {
  bool enabled = ArgBool(i, 0);
  at::ScalarType type = HasArg(i, 1) ? ArgDType(i, 1) : at::kBFloat16;
  if (type != at::kHalf && type != at::kBFloat16) {
    throw ArgRangeError("argument 1: autocast runs in float16 or bfloat16, not " + DTypeName(type));
  }
  SetCudaAutocast(enabled, type);
  if (!enabled) at::autocast::clear_cache();
  return i.Env().Undefined();
}
Napi::Value AutocastEnabled(const Napi::CallbackInfo& i) { return Napi::Boolean::New(i.Env(), CudaAutocastEnabled()); }

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
  Export(env, exports, "cudaDeviceCount", CudaDeviceCount);
  Export(env, exports, "setAutocast", SetAutocast);
  Export(env, exports, "autocastEnabled", AutocastEnabled);
  Export(env, exports, "memory", Memory);
  Export(env, exports, "dispose", DisposeTensor);
  Export(env, exports, "setNumThreads", SetNumThreads);
  Export(env, exports, "numThreads", NumThreads);
  Export(env, exports, "version", Version);
}

}  // namespace ganforge
