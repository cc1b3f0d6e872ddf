// Spatial resampling: pooling, upsampling and padding. Spatial arguments are [h, w] pairs. An output size
// that comes from the arguments (upsample size, padding) is bounded by the allocator's tensor byte cap.
#include "handle.h"

namespace ganforge {
namespace {

// maxPool2d(x, kernel, stride, padding, dilation, ceilMode)
Napi::Value MaxPool2d(const Napi::CallbackInfo& i) {
  return Wrap(i.Env(), at::max_pool2d(ArgTensor(i, 0), ArgInts(i, 1), ArgInts(i, 2), ArgInts(i, 3), ArgInts(i, 4), ArgBool(i, 5)));
}

// avgPool2d(x, kernel, stride, padding, ceilMode, countIncludePad)
Napi::Value AvgPool2d(const Napi::CallbackInfo& i) {
  return Wrap(i.Env(), at::avg_pool2d(ArgTensor(i, 0), ArgInts(i, 1), ArgInts(i, 2), ArgInts(i, 3), ArgBool(i, 4), ArgBool(i, 5)));
}

// upsampleBilinear2d(x, outputSize, alignCorners)
Napi::Value UpsampleBilinear2d(const Napi::CallbackInfo& i) {
  return Wrap(i.Env(), at::upsample_bilinear2d(ArgTensor(i, 0), ArgInts(i, 1), ArgBool(i, 2), c10::nullopt, c10::nullopt));
}

// upsampleNearest2d(x, outputSize)
Napi::Value UpsampleNearest2d(const Napi::CallbackInfo& i) {
  return Wrap(i.Env(), at::upsample_nearest2d(ArgTensor(i, 0), ArgInts(i, 1), c10::nullopt, c10::nullopt));
}

// pad(x, [left, right, top, bottom, …], mode 'constant'|'reflect'|'replicate', value)
Napi::Value Pad(const Napi::CallbackInfo& i) {
  std::string mode = HasArg(i, 2) ? ArgString(i, 2) : "constant";
  c10::optional<double> value;
  if (HasArg(i, 3)) value = ArgNumber(i, 3);
  return Wrap(i.Env(), at::pad(ArgTensor(i, 0), ArgInts(i, 1), mode, value));
}

}  // namespace

void RegisterResample(Napi::Env env, Napi::Object exports) {
  Export(env, exports, "maxPool2d", MaxPool2d);
  Export(env, exports, "avgPool2d", AvgPool2d);
  Export(env, exports, "upsampleBilinear2d", UpsampleBilinear2d);
  Export(env, exports, "upsampleNearest2d", UpsampleNearest2d);
  Export(env, exports, "pad", Pad);
}

}  // namespace ganforge
