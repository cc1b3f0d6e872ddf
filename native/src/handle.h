// The native boundary: how a libtorch tensor crosses into JavaScript and back.
//
// A tensor reaches JS as a napi External that owns exactly one at::Tensor (one owner per tensor).
// `dispose` releases it early and is idempotent; the External's finalizer is only a GC backstop.
// Every function exported to JS goes through `Export`, which turns every C++ exception into a JS Error
// carrying libtorch's message, so none unwinds through N-API.
#pragma once

#include <napi.h>
#include <ATen/ATen.h>

#include <cstdint>
#include <string>
#include <vector>

namespace ganforge {

using NativeFn = Napi::Value (*)(const Napi::CallbackInfo&);

// Registers `fn` on `exports` under `name`, wrapped so that C++ exceptions become JS Errors.
void Export(Napi::Env env, Napi::Object exports, const char* name, NativeFn fn);

// ---- tensors in and out ----
Napi::Value Wrap(Napi::Env env, at::Tensor tensor);  // an undefined tensor becomes null
Napi::Value WrapList(Napi::Env env, const std::vector<at::Tensor>& tensors);
at::Tensor& ArgTensor(const Napi::CallbackInfo& info, size_t i);
std::vector<at::Tensor> ArgTensorList(const Napi::CallbackInfo& info, size_t i);
bool IsTensor(Napi::Env env, const Napi::Value& value);

// ---- plain arguments ----
bool HasArg(const Napi::CallbackInfo& info, size_t i);  // present and not undefined/null
double ArgNumber(const Napi::CallbackInfo& info, size_t i);
int64_t ArgInt(const Napi::CallbackInfo& info, size_t i);
bool ArgBool(const Napi::CallbackInfo& info, size_t i);
std::string ArgString(const Napi::CallbackInfo& info, size_t i);
std::vector<int64_t> ArgInts(const Napi::CallbackInfo& info, size_t i);
at::ScalarType ArgDType(const Napi::CallbackInfo& info, size_t i);  // default float32 when absent
at::Device ArgDevice(const Napi::CallbackInfo& info, size_t i);     // default cpu when absent
at::TensorOptions ArgOptions(const Napi::CallbackInfo& info, size_t dtypeIndex, size_t deviceIndex);

std::string DTypeName(at::ScalarType type);
at::ScalarType DTypeFromName(const std::string& name);

// ---- memory accounting, reported by memory() ----
struct MemoryStats {
  int64_t liveTensors;
  int64_t bytes;
};
MemoryStats CurrentMemory();
void Dispose(Napi::Env env, const Napi::Value& value);

}  // namespace ganforge
