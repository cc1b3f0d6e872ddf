// The native boundary: how a libtorch tensor crosses into JavaScript and back, and how every other argument
// is checked before any kernel sees it.
//
// A tensor reaches JS as a napi External that owns exactly one at::Tensor (one owner per tensor).
// `dispose` releases it early and is idempotent; the External's finalizer is only a GC backstop.
// Every function exported to JS goes through `Export`, which turns every C++ exception into a JS Error
// (TypeError for a wrong kind of argument, RangeError for a wrong size or value) whose message starts with the
// op's name, so none unwinds through N-API.
//
// The rules the helpers below enforce, so no kernel has to (see test/torch/native-args.test.ts):
// - an integer is a finite, whole Number (or a BigInt) that fits int64 exactly: NaN, ±Infinity, 1.5, 2^63 and a
//   lossy BigInt are RangeErrors, never a silent cast;
// - a shape has no negative dimension, its element count does not overflow int64, and its bytes stay under the
//   tensor byte cap (MaxTensorBytes) — checked before at::empty/zeros/full/randn… allocate anything;
// - every CPU allocation libtorch makes goes through a capped allocator too, so an op whose output size comes
//   from its arguments (pad, upsample, arange, conv padding…) fails with an Error instead of the OOM killer;
// - a typed array is exactly the kind the op needs (ArgFloat64Array), with the element count it needs.
#pragma once

#include <napi.h>
#include <ATen/ATen.h>

#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

namespace ganforge {

using NativeFn = Napi::Value (*)(const Napi::CallbackInfo&);

// Thrown by the argument helpers (and usable by kernels); Export turns them into a JS TypeError / RangeError
// whose message is "<op>: <what>".
struct ArgTypeError : std::invalid_argument {
  using std::invalid_argument::invalid_argument;
};
struct ArgRangeError : std::out_of_range {
  using std::out_of_range::out_of_range;
};

// Registers `fn` on `exports` under `name`, wrapped so that C++ exceptions become JS Errors.
void Export(Napi::Env env, Napi::Object exports, const char* name, NativeFn fn);

// The largest tensor, in bytes, the addon will create: half the machine's physical memory unless the
// environment variable GANFORGE_MAX_TENSOR_BYTES says otherwise (read once, at load).
int64_t MaxTensorBytes();

// ---- tensors in and out ----
Napi::Value Wrap(Napi::Env env, at::Tensor tensor);  // an undefined tensor becomes null
Napi::Value WrapList(Napi::Env env, const std::vector<at::Tensor>& tensors);
// By value (one refcount), so a JS getter run while later arguments are read cannot leave a kernel holding a
// reference into a disposed box. In-place ops still act on the caller's tensor (same TensorImpl).
at::Tensor ArgTensor(const Napi::CallbackInfo& info, size_t i);
c10::optional<at::Tensor> OptTensor(const Napi::CallbackInfo& info, size_t i);  // absent/null/undefined → none
std::vector<at::Tensor> ArgTensorList(const Napi::CallbackInfo& info, size_t i);
bool IsTensor(Napi::Env env, const Napi::Value& value);

// ---- plain arguments ----
bool HasArg(const Napi::CallbackInfo& info, size_t i);  // present and not undefined/null
double ArgNumber(const Napi::CallbackInfo& info, size_t i);
int64_t ArgInt(const Napi::CallbackInfo& info, size_t i);
bool ArgBool(const Napi::CallbackInfo& info, size_t i);  // absent → false; anything but a boolean is a TypeError
std::string ArgString(const Napi::CallbackInfo& info, size_t i);
std::vector<int64_t> ArgInts(const Napi::CallbackInfo& info, size_t i);
// A shape for a new tensor of `elementSize`-byte elements: ArgInts, no negative dim, numel·elementSize under the cap.
std::vector<int64_t> ArgShape(const Napi::CallbackInfo& info, size_t i, int64_t elementSize);
// A target shape for reshape/view/expand: like ArgShape but -1 is allowed (libtorch infers or keeps that dim).
std::vector<int64_t> ArgTargetShape(const Napi::CallbackInfo& info, size_t i, int64_t elementSize);
// A Float64Array of exactly `length` elements (not a Float32Array, Uint8Array, DataView …).
Napi::Float64Array ArgFloat64Array(const Napi::CallbackInfo& info, size_t i, size_t length);
at::ScalarType ArgDType(const Napi::CallbackInfo& info, size_t i);  // default float32 when absent
at::Device ArgDevice(const Napi::CallbackInfo& info, size_t i);     // default cpu when absent
at::TensorOptions ArgOptions(const Napi::CallbackInfo& info, size_t dtypeIndex, size_t deviceIndex);
// Throws ArgRangeError unless numel·elementSize (no overflow) fits under MaxTensorBytes.
void CheckTensorBytes(const std::string& what, int64_t numel, int64_t elementSize);

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
