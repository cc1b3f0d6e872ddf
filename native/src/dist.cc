// Data-parallel collectives: libtorch's own c10d (TCPStore rendezvous, ProcessGroupGloo), never a home-made one.
// One process group per process, like torch.distributed's default group: the trainer has exactly one, and a
// group handle passed through JS would only add a way to pass the wrong one.
//
// Every collective has the group's timeout, so a dead peer ends the call with an Error instead of a hang (Gloo
// usually notices a closed connection at once; the timeout is the backstop for a peer that hangs).
//
// Built without the c10d/Gloo headers (a libtorch without distributed support, or no libgloo-dev), the addon
// still builds: distAvailable() says false and every other call throws one line saying why. Defining
// GANFORGE_NO_DIST builds that fallback on purpose (to check it compiles: see test/dist/no-dist-build.test.ts).
#include "handle.h"

#if !defined(GANFORGE_NO_DIST) && __has_include(<torch/csrc/distributed/c10d/ProcessGroupGloo.hpp>) && \
    __has_include(<gloo/config.h>)
#define GANFORGE_DIST 1
#define USE_C10D_GLOO 1  // the header's own guard: Debian's libtorch_cpu.so has the Gloo process group compiled in
#include <torch/csrc/autograd/custom_function.h>
#include <torch/csrc/distributed/c10d/ProcessGroupGloo.hpp>
#include <torch/csrc/distributed/c10d/TCPStore.hpp>
#endif

#include <chrono>
#include <cstdlib>

namespace ganforge {
namespace {

Napi::Value DistAvailable(const Napi::CallbackInfo& i) {
#ifdef GANFORGE_DIST
  return Napi::Boolean::New(i.Env(), true);
#else
  return Napi::Boolean::New(i.Env(), false);
#endif
}

#ifdef GANFORGE_DIST

struct Group {
  c10::intrusive_ptr<c10d::Store> store;
  c10::intrusive_ptr<c10d::ProcessGroupGloo> pg;
  int rank = 0;
  int size = 1;
};
Group* gGroup = nullptr;

Group& Current() {
  if (gGroup == nullptr) throw std::runtime_error("no process group: call distInit first");
  return *gGroup;
}

void Wait(const c10::intrusive_ptr<c10d::Work>& work) {
  // The group's own timeout (Options::timeout) bounds the wait; wait() rethrows a peer's failure.
  work->wait();
}

bool IsLoopback(const std::string& host) { return host == "localhost" || host.rfind("127.", 0) == 0 || host == "::1"; }

// distInit(masterHost, masterPort, rank, worldSize, timeoutMs): rank 0 hosts the TCPStore at host:port, every
// rank joins it, then the Gloo group is formed through it. Ports below 1024 are refused (they need root, and
// a privileged port is never what a launcher hands out).
Napi::Value DistInit(const Napi::CallbackInfo& i) {
  const std::string host = ArgString(i, 0);
  const int64_t port = ArgInt(i, 1), rank = ArgInt(i, 2), size = ArgInt(i, 3), timeoutMs = ArgInt(i, 4);
  if (host.empty() || host.size() > 255) throw ArgRangeError("argument 0 (master host) must be 1 to 255 characters");
  if (port < 1024 || port > 65535) throw ArgRangeError("argument 1 (master port) must be in 1024..65535, not " + std::to_string(port));
  if (size < 1 || size > 65536) throw ArgRangeError("argument 3 (world size) must be in 1..65536, not " + std::to_string(size));
  if (rank < 0 || rank >= size) throw ArgRangeError("argument 2 (rank) must be in 0.." + std::to_string(size - 1) + ", not " + std::to_string(rank));
  if (timeoutMs < 100 || timeoutMs > 86400000) throw ArgRangeError("argument 4 (timeout) must be 100 ms to 24 h, not " + std::to_string(timeoutMs) + " ms");
  if (gGroup != nullptr) throw std::runtime_error("a process group already exists in this process: distDestroy it first");
  const auto timeout = std::chrono::milliseconds(timeoutMs);

  c10d::TCPStoreOptions storeOptions;
  storeOptions.port = static_cast<uint16_t>(port);
  storeOptions.isServer = rank == 0;
  storeOptions.numWorkers = static_cast<size_t>(size);
  storeOptions.waitWorkers = false;  // the Gloo rendezvous below waits for everyone, with the same timeout
  storeOptions.timeout = timeout;
  auto group = std::make_unique<Group>();
  group->store = c10::make_intrusive<c10d::TCPStore>(host, storeOptions);

  auto options = c10d::ProcessGroupGloo::Options::create(timeout);
  // Which interface Gloo binds: GLOO_SOCKET_IFNAME as in PyTorch; loopback when the master is on this host
  // (a container's hostname may resolve to an address nothing listens on); else the hostname's address.
  if (const char* ifname = std::getenv("GLOO_SOCKET_IFNAME"); ifname != nullptr && *ifname != '\0') {
    options->devices.push_back(c10d::ProcessGroupGloo::createDeviceForInterface(ifname));
  } else if (IsLoopback(host)) {
    options->devices.push_back(c10d::ProcessGroupGloo::createDeviceForHostname("127.0.0.1"));
  } else {
    options->devices.push_back(c10d::ProcessGroupGloo::createDefaultDevice());
  }
  options->threads = 1;  // one collective at a time; the cores belong to the model
  group->pg = c10::make_intrusive<c10d::ProcessGroupGloo>(group->store, static_cast<int>(rank), static_cast<int>(size), options);
  group->rank = static_cast<int>(rank);
  group->size = static_cast<int>(size);
  gGroup = group.release();
  return i.Env().Undefined();
}

Napi::Value DistDestroy(const Napi::CallbackInfo& i) {
  delete gGroup;
  gGroup = nullptr;
  return i.Env().Undefined();
}

// The tensors a collective works on in place: float CPU tensors, contiguous (a flat copy is written back into
// exactly these bytes). Checked up front so that no rank enters a collective another would refuse.
std::vector<at::Tensor> CollectiveTensors(const Napi::CallbackInfo& i, size_t index) {
  std::vector<at::Tensor> tensors = ArgTensorList(i, index);
  for (size_t k = 0; k < tensors.size(); k++) {
    const auto& t = tensors[k];
    const std::string where = "argument " + std::to_string(index) + " element " + std::to_string(k);
    if (!t.device().is_cpu()) throw ArgTypeError(where + " is not a CPU tensor (Gloo here reduces CPU tensors)");
    if (t.scalar_type() != at::kFloat && t.scalar_type() != at::kDouble) throw ArgTypeError(where + " is not float32 or float64");
    if (!t.is_contiguous()) throw ArgTypeError(where + " is not contiguous");
  }
  return tensors;
}

// Runs `collective` on buffers of at most `bucketBytes` each (tensors of one dtype, in order, flattened into one
// buffer per bucket: one call per bucket instead of one per tensor, as DDP's buckets), then copies back.
template <typename Collective>
void Bucketed(std::vector<at::Tensor>& tensors, int64_t bucketBytes, Collective collective) {
  size_t start = 0;
  while (start < tensors.size()) {
    size_t end = start;
    int64_t bytes = 0;
    const auto dtype = tensors[start].scalar_type();
    while (end < tensors.size() && tensors[end].scalar_type() == dtype &&
           (end == start || bytes + tensors[end].nbytes() <= static_cast<uint64_t>(bucketBytes))) {
      bytes += static_cast<int64_t>(tensors[end].nbytes());
      end++;
    }
    std::vector<at::Tensor> flat;
    for (size_t k = start; k < end; k++) flat.push_back(tensors[k].view({-1}));
    at::Tensor buffer = at::cat(flat);
    collective(buffer);
    int64_t offset = 0;
    for (size_t k = start; k < end; k++) {
      const int64_t n = tensors[k].numel();
      tensors[k].view({-1}).copy_(buffer.narrow(0, offset, n));
      offset += n;
    }
    start = end;
  }
}

int64_t ArgBucketBytes(const Napi::CallbackInfo& i, size_t index) {
  const int64_t bytes = ArgInt(i, index);
  if (bytes < 1024 || bytes > (int64_t{1} << 32)) throw ArgRangeError("argument " + std::to_string(index) + " (bucket bytes) must be in 1 KiB..4 GiB");
  return bytes;
}

// distAllReduceMean(tensors, bucketBytes): each tensor becomes the average of its values over all ranks (sum,
// then divide by the world size), in place. Gradients are averaged this way after each backward.
Napi::Value DistAllReduceMean(const Napi::CallbackInfo& i) {
  std::vector<at::Tensor> tensors = CollectiveTensors(i, 0);
  const int64_t bucketBytes = ArgBucketBytes(i, 1);
  Group& group = Current();
  at::NoGradGuard noGrad;
  Bucketed(tensors, bucketBytes, [&](at::Tensor& buffer) {
    std::vector<at::Tensor> one{buffer};
    Wait(group.pg->allreduce(one, c10d::AllreduceOptions{}));
    buffer.div_(group.size);
  });
  return i.Env().Undefined();
}

// distBroadcast(tensors, root, bucketBytes): every rank's tensors take root's values, in place.
Napi::Value DistBroadcast(const Napi::CallbackInfo& i) {
  std::vector<at::Tensor> tensors = CollectiveTensors(i, 0);
  const int64_t root = ArgInt(i, 1);
  const int64_t bucketBytes = ArgBucketBytes(i, 2);
  Group& group = Current();
  if (root < 0 || root >= group.size) throw ArgRangeError("argument 1 (root) must be a rank in 0.." + std::to_string(group.size - 1));
  at::NoGradGuard noGrad;
  Bucketed(tensors, bucketBytes, [&](at::Tensor& buffer) {
    std::vector<at::Tensor> one{buffer};
    c10d::BroadcastOptions options;
    options.rootRank = root;
    Wait(group.pg->broadcast(one, options));
  });
  return i.Env().Undefined();
}

Napi::Value DistBarrier(const Napi::CallbackInfo& i) {
  Wait(Current().pg->barrier(c10d::BarrierOptions{}));
  return i.Env().Undefined();
}

// The sum over ranks as an autograd op: y = Σ_r x_r, and since every rank's loss depends on y, the gradient
// reaching x on rank r is Σ_r' ∂L_r'/∂y, i.e. the backward is the same all-reduce of the incoming gradients.
// Synchronised batch norm builds its global statistics from this, so autograd differentiates through them
// (backward is itself this op, so double backward works too). Every rank must run the same graph, so the
// backward all-reduces are issued in the same order everywhere.
struct AllReduceSum : torch::autograd::Function<AllReduceSum> {
  static at::Tensor forward(torch::autograd::AutogradContext* ctx, const at::Tensor& x) {
    at::Tensor y = x.contiguous().clone();
    std::vector<at::Tensor> one{y};
    Wait(Current().pg->allreduce(one, c10d::AllreduceOptions{}));
    return y;
  }
  static torch::autograd::variable_list backward(torch::autograd::AutogradContext* ctx, torch::autograd::variable_list grads) {
    return {AllReduceSum::apply(grads[0])};
  }
};

// distAllReduceSum(x): a new tensor, the sum of x over all ranks, differentiable (see AllReduceSum).
Napi::Value DistAllReduceSum(const Napi::CallbackInfo& i) {
  at::Tensor x = ArgTensor(i, 0);
  Current();
  if (!x.device().is_cpu() || (x.scalar_type() != at::kFloat && x.scalar_type() != at::kDouble)) {
    throw ArgTypeError("argument 0 must be a float32 or float64 CPU tensor");
  }
  return Wrap(i.Env(), AllReduceSum::apply(x));
}

#else  // built without c10d/Gloo

Napi::Value NoDist(const Napi::CallbackInfo&) {
  throw std::runtime_error("this libtorch was built without distributed support (c10d/Gloo)");
}
#define DistInit NoDist
#define DistDestroy NoDist
#define DistAllReduceMean NoDist
#define DistBroadcast NoDist
#define DistBarrier NoDist
#define DistAllReduceSum NoDist

#endif

}  // namespace

void RegisterDist(Napi::Env env, Napi::Object exports) {
  Export(env, exports, "distAvailable", DistAvailable);
  Export(env, exports, "distInit", DistInit);
  Export(env, exports, "distDestroy", DistDestroy);
  Export(env, exports, "distAllReduceMean", DistAllReduceMean);
  Export(env, exports, "distAllReduceSum", DistAllReduceSum);
  Export(env, exports, "distBroadcast", DistBroadcast);
  Export(env, exports, "distBarrier", DistBarrier);
}

}  // namespace ganforge
