// Convolutions: conv2d and its transpose. Spatial arguments are [h, w] pairs; a missing bias is null.
#include "handle.h"

namespace ganforge {
namespace {

// conv2d(x, weight, bias?, stride, padding, dilation, groups)
Napi::Value Conv2d(const Napi::CallbackInfo& i) {
  return Wrap(i.Env(), at::conv2d(ArgTensor(i, 0), ArgTensor(i, 1), OptTensor(i, 2), ArgInts(i, 3), ArgInts(i, 4),
                                  ArgInts(i, 5), ArgInt(i, 6)));
}

// convTranspose2d(x, weight [in, out/groups, kh, kw], bias?, stride, padding, outputPadding, groups, dilation)
Napi::Value ConvTranspose2d(const Napi::CallbackInfo& i) {
  return Wrap(i.Env(), at::conv_transpose2d(ArgTensor(i, 0), ArgTensor(i, 1), OptTensor(i, 2), ArgInts(i, 3),
                                            ArgInts(i, 4), ArgInts(i, 5), ArgInt(i, 6), ArgInts(i, 7)));
}

}  // namespace

void RegisterConv(Napi::Env env, Napi::Object exports) {
  Export(env, exports, "conv2d", Conv2d);
  Export(env, exports, "convTranspose2d", ConvTranspose2d);
}

}  // namespace ganforge
