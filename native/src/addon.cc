// The addon's entry point: registers each op table. See handle.h for the boundary's rules.
#include <ATen/Parallel.h>

#include "handle.h"

namespace ganforge {
void RegisterCreate(Napi::Env env, Napi::Object exports);
void RegisterMath(Napi::Env env, Napi::Object exports);
void RegisterNN(Napi::Env env, Napi::Object exports);
void RegisterAutograd(Napi::Env env, Napi::Object exports);
void RegisterOptim(Napi::Env env, Napi::Object exports);
void RegisterConv(Napi::Env env, Napi::Object exports);
}  // namespace ganforge

Napi::Object Init(Napi::Env env, Napi::Object exports) {
  ganforge::RegisterCreate(env, exports);
  ganforge::RegisterMath(env, exports);
  ganforge::RegisterNN(env, exports);
  ganforge::RegisterAutograd(env, exports);
  ganforge::RegisterOptim(env, exports);
  ganforge::RegisterConv(env, exports);
  return exports;
}

NODE_API_MODULE(ganforge, Init)
