// The addon's entry point: registers each op file's exports. See handle.h for the boundary's rules, and
// src/torch/native-ops.ts for the one list of every export (test/torch/native-surface.test.ts holds the two equal).
#include "handle.h"

namespace ganforge {
void RegisterCreate(Napi::Env env, Napi::Object exports);    // ops_create.cc
void RegisterRuntime(Napi::Env env, Napi::Object exports);   // runtime.cc
void RegisterMath(Napi::Env env, Napi::Object exports);      // ops_math.cc
void RegisterShape(Napi::Env env, Napi::Object exports);     // ops_shape.cc
void RegisterLoss(Napi::Env env, Napi::Object exports);      // ops_loss.cc
void RegisterConv(Napi::Env env, Napi::Object exports);      // ops_conv.cc
void RegisterNorm(Napi::Env env, Napi::Object exports);      // ops_norm.cc
void RegisterResample(Napi::Env env, Napi::Object exports);  // ops_resample.cc
void RegisterAutograd(Napi::Env env, Napi::Object exports);  // autograd.cc
void RegisterOptim(Napi::Env env, Napi::Object exports);     // optim.cc
void RegisterDist(Napi::Env env, Napi::Object exports);      // dist.cc
}  // namespace ganforge

Napi::Object Init(Napi::Env env, Napi::Object exports) {
  ganforge::RegisterCreate(env, exports);
  ganforge::RegisterRuntime(env, exports);
  ganforge::RegisterMath(env, exports);
  ganforge::RegisterShape(env, exports);
  ganforge::RegisterLoss(env, exports);
  ganforge::RegisterConv(env, exports);
  ganforge::RegisterNorm(env, exports);
  ganforge::RegisterResample(env, exports);
  ganforge::RegisterAutograd(env, exports);
  ganforge::RegisterOptim(env, exports);
  ganforge::RegisterDist(env, exports);
  return exports;
}

NODE_API_MODULE(ganforge, Init)
