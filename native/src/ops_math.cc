// Tensor math: elementwise ops and reductions. One line per op where the shape allows it.
// A second operand may be a tensor (broadcast) or a JS number (a Scalar, no tensor allocated).
#include "handle.h"

namespace ganforge {
namespace {

#define UNARY(NAME, EXPR)                                 \
  Napi::Value NAME(const Napi::CallbackInfo& i) {         \
    const at::Tensor& t = ArgTensor(i, 0);                \
    return Wrap(i.Env(), EXPR);                           \
  }

#define BINARY(NAME, FN)                                                                      \
  Napi::Value NAME(const Napi::CallbackInfo& i) {                                             \
    const at::Tensor& a = ArgTensor(i, 0);                                                    \
    if (HasArg(i, 1) && i[1].IsNumber()) return Wrap(i.Env(), FN(a, at::Scalar(ArgNumber(i, 1)))); \
    return Wrap(i.Env(), FN(a, ArgTensor(i, 1)));                                             \
  }

#define BINARY_TENSORS(NAME, FN) \
  Napi::Value NAME(const Napi::CallbackInfo& i) { return Wrap(i.Env(), FN(ArgTensor(i, 0), ArgTensor(i, 1))); }

// ---- elementwise ----
UNARY(Neg, at::neg(t))
UNARY(Abs, at::abs(t))
UNARY(Exp, at::exp(t))
UNARY(Log, at::log(t))
UNARY(Sqrt, at::sqrt(t))
UNARY(Square, at::square(t))
UNARY(Floor, at::floor(t))
UNARY(Round, at::round(t))
UNARY(Tanh, at::tanh(t))
UNARY(Sigmoid, at::sigmoid(t))
UNARY(Relu, at::relu(t))
UNARY(IsFinite, at::isfinite(t))
BINARY(Add, at::add)
BINARY(Sub, at::sub)
BINARY(Mul, at::mul)
BINARY(Div, at::div)
BINARY(Pow, at::pow)
BINARY(Eq, at::eq)
BINARY(Ne, at::ne)
BINARY(Lt, at::lt)
BINARY(Le, at::le)
BINARY(Gt, at::gt)
BINARY(Ge, at::ge)
BINARY_TENSORS(Maximum, at::maximum)
BINARY_TENSORS(Minimum, at::minimum)
BINARY_TENSORS(Matmul, at::matmul)
UNARY(LeakyRelu, at::leaky_relu(t, ArgNumber(i, 1)))
UNARY(Softmax, at::softmax(t, ArgInt(i, 1)))
UNARY(LogSoftmax, at::log_softmax(t, ArgInt(i, 1)))

Napi::Value Clamp(const Napi::CallbackInfo& i) {
  c10::optional<at::Scalar> lo, hi;
  if (HasArg(i, 1)) lo = ArgNumber(i, 1);
  if (HasArg(i, 2)) hi = ArgNumber(i, 2);
  return Wrap(i.Env(), at::clamp(ArgTensor(i, 0), lo, hi));
}
// linear(x, weight, bias?): x·weightᵀ + bias in one addmm, as torch.nn.functional.linear.
Napi::Value Linear(const Napi::CallbackInfo& i) {
  c10::optional<at::Tensor> bias;
  if (HasArg(i, 2)) bias = ArgTensor(i, 2);
  return Wrap(i.Env(), at::linear(ArgTensor(i, 0), ArgTensor(i, 1), bias));
}
Napi::Value Where(const Napi::CallbackInfo& i) {
  return Wrap(i.Env(), at::where(ArgTensor(i, 0), ArgTensor(i, 1), ArgTensor(i, 2)));
}

// ---- reductions: (t, dims?, keepdim?) ; no dims reduces everything ----
Napi::Value Sum(const Napi::CallbackInfo& i) {
  const at::Tensor& t = ArgTensor(i, 0);
  if (!HasArg(i, 1)) return Wrap(i.Env(), at::sum(t));
  return Wrap(i.Env(), at::sum(t, ArgInts(i, 1), ArgBool(i, 2)));
}
Napi::Value Mean(const Napi::CallbackInfo& i) {
  const at::Tensor& t = ArgTensor(i, 0);
  if (!HasArg(i, 1)) return Wrap(i.Env(), at::mean(t));
  return Wrap(i.Env(), at::mean(t, ArgInts(i, 1), ArgBool(i, 2)));
}
// variance(t, dims?, unbiased, keepdim?)
Napi::Value Var(const Napi::CallbackInfo& i) {
  const at::Tensor& t = ArgTensor(i, 0);
  if (!HasArg(i, 1)) return Wrap(i.Env(), at::var(t, ArgBool(i, 2)));
  return Wrap(i.Env(), at::var(t, at::IntArrayRef(ArgInts(i, 1)), ArgBool(i, 2), ArgBool(i, 3)));
}
// max(t) / min(t) → scalar tensor over all elements; maxDim(t, dim, keepdim?) / minDim → [values, indices]
UNARY(Max, at::max(t))
UNARY(Min, at::min(t))
Napi::Value MaxDim(const Napi::CallbackInfo& i) {
  auto [values, indices] = at::max(ArgTensor(i, 0), ArgInt(i, 1), ArgBool(i, 2));
  return WrapList(i.Env(), {values, indices});
}
Napi::Value MinDim(const Napi::CallbackInfo& i) {
  auto [values, indices] = at::min(ArgTensor(i, 0), ArgInt(i, 1), ArgBool(i, 2));
  return WrapList(i.Env(), {values, indices});
}
Napi::Value Argmax(const Napi::CallbackInfo& i) {
  const at::Tensor& t = ArgTensor(i, 0);
  if (!HasArg(i, 1)) return Wrap(i.Env(), at::argmax(t));
  return Wrap(i.Env(), at::argmax(t, ArgInt(i, 1), ArgBool(i, 2)));
}
// topk(t, k, dim, largest) → [values, indices]
Napi::Value Topk(const Napi::CallbackInfo& i) {
  auto [values, indices] = at::topk(ArgTensor(i, 0), ArgInt(i, 1), ArgInt(i, 2), ArgBool(i, 3));
  return WrapList(i.Env(), {values, indices});
}
// linalgEigh(symmetric) → [eigenvalues ascending, eigenvectors as columns]
Napi::Value LinalgEigh(const Napi::CallbackInfo& i) {
  auto [values, vectors] = at::linalg_eigh(ArgTensor(i, 0));
  return WrapList(i.Env(), {values, vectors});
}
// cdist(a [N, D], b [M, D]) → Euclidean distances [N, M]
Napi::Value Cdist(const Napi::CallbackInfo& i) { return Wrap(i.Env(), at::cdist(ArgTensor(i, 0), ArgTensor(i, 1))); }
Napi::Value AllTrue(const Napi::CallbackInfo& i) { return Napi::Boolean::New(i.Env(), ArgTensor(i, 0).all().item<bool>()); }

}  // namespace

void RegisterMath(Napi::Env env, Napi::Object exports) {
  Export(env, exports, "neg", Neg);
  Export(env, exports, "abs", Abs);
  Export(env, exports, "exp", Exp);
  Export(env, exports, "log", Log);
  Export(env, exports, "sqrt", Sqrt);
  Export(env, exports, "square", Square);
  Export(env, exports, "floor", Floor);
  Export(env, exports, "round", Round);
  Export(env, exports, "tanh", Tanh);
  Export(env, exports, "sigmoid", Sigmoid);
  Export(env, exports, "relu", Relu);
  Export(env, exports, "isFinite", IsFinite);
  Export(env, exports, "add", Add);
  Export(env, exports, "sub", Sub);
  Export(env, exports, "mul", Mul);
  Export(env, exports, "div", Div);
  Export(env, exports, "pow", Pow);
  Export(env, exports, "eq", Eq);
  Export(env, exports, "ne", Ne);
  Export(env, exports, "lt", Lt);
  Export(env, exports, "le", Le);
  Export(env, exports, "gt", Gt);
  Export(env, exports, "ge", Ge);
  Export(env, exports, "maximum", Maximum);
  Export(env, exports, "minimum", Minimum);
  Export(env, exports, "matmul", Matmul);
  Export(env, exports, "leakyRelu", LeakyRelu);
  Export(env, exports, "softmax", Softmax);
  Export(env, exports, "logSoftmax", LogSoftmax);
  Export(env, exports, "clamp", Clamp);
  Export(env, exports, "linear", Linear);
  Export(env, exports, "where", Where);
  Export(env, exports, "sum", Sum);
  Export(env, exports, "mean", Mean);
  Export(env, exports, "var", Var);
  Export(env, exports, "max", Max);
  Export(env, exports, "min", Min);
  Export(env, exports, "maxDim", MaxDim);
  Export(env, exports, "minDim", MinDim);
  Export(env, exports, "argmax", Argmax);
  Export(env, exports, "allTrue", AllTrue);
  Export(env, exports, "topk", Topk);
  Export(env, exports, "linalgEigh", LinalgEigh);
  Export(env, exports, "cdist", Cdist);
}

}  // namespace ganforge
