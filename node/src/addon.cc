// addon.cc: the Node binding of libspoor, kept thin.
//
// Values go in as the core wants them (JSON texts and strings, built by lib/*.js),
// errors come out as the core names them (spoor_err2name + spoor_last_error), and
// the two kinds of work that must not run on the JS thread get their own paths:
//  - flush/close block, so they run in an AsyncWorker whose Execute() touches no JS;
//  - log lines and delivery reports come from the core's worker thread, so they
//    reach JS through a TypedThreadSafeFunction that is Unref'd (it never keeps
//    the process alive) and Released once the client is closed.
// Everything JS-side lives in per-environment instance data, so the addon loads
// in worker_threads as well as in the main thread.
#include <napi.h>
#include <node_api.h>

#include <atomic>
#include <cstdlib>
#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <utility>
#include <vector>

extern "C" {
#include <spoor.h>
}

namespace {

struct AddonData {
  Napi::FunctionReference clientCtor;
  Napi::FunctionReference errorFactory;  // (name, message, code) => Error
};

// An Error built by lib/errors.js when it registered its factory, else a plain one.
Napi::Error MakeError(Napi::Env env, int err, const std::string& msg) {
  const char* name = spoor_err2name(static_cast<spoor_err_t>(err));
  AddonData* data = env.GetInstanceData<AddonData>();
  if (data != nullptr && !data->errorFactory.IsEmpty()) {
    Napi::Value e = data->errorFactory.Call(
        {Napi::String::New(env, name), Napi::String::New(env, msg), Napi::Number::New(env, err)});
    if (e.IsObject()) return Napi::Error(env, e);
  }
  Napi::Error e = Napi::Error::New(env, msg);
  e.Set("code", Napi::String::New(env, name));
  return e;
}

std::string LastErrorText(int err) {
  const char* m = spoor_last_error();
  return (m != nullptr && *m != '\0') ? std::string(m) : std::string(spoor_strerror(static_cast<spoor_err_t>(err)));
}

// One thing for the JS thread: a log line, a delivery report, or a marker that
// settles a flush/close promise once everything queued before it was handed over.
struct Message {
  enum Kind { LOG, DELIVERY, MARKER } kind;
  explicit Message(Kind k) : kind(k) {}
  int level = 0;
  std::string text;  // log line, or the report's reason
  int err = 0;
  int httpStatus = 0;
  size_t count = 0;
  std::vector<std::string> ids;
  std::vector<std::string> events;
  Napi::Promise::Deferred* deferred = nullptr;  // MARKER
};

struct Bridge;
void CallJs(Napi::Env env, Napi::Function handler, Bridge* bridge, Message* msg);
using EventsTsfn = Napi::TypedThreadSafeFunction<Bridge, Message, CallJs>;

struct TokenRequest {
  std::mutex mu;
  std::condition_variable cv;
  bool done = false;
  bool ok = false;
  std::string token;
};
using TokenHolder = std::shared_ptr<TokenRequest>;
void CallTokenJs(Napi::Env env, Napi::Function getter, void* ctx, TokenHolder* req);
using TokenTsfn = Napi::TypedThreadSafeFunction<void, TokenHolder, CallTokenJs>;

// What the core's callbacks see (their opaque pointer). Owned jointly by the
// NativeClient and the events TSFN: freed when both are gone.
struct Bridge {
  EventsTsfn events;
  TokenTsfn token;
  bool hasToken = false;
  std::thread::id jsThread;
  std::atomic<bool> released{false};      // TSFNs released or finalized: do not call them
  std::atomic<bool> syncBlocking{false};  // the JS thread waits in close: no token calls
  std::atomic<bool> wantDelivered{false}; // JS listens for delivered reports
  std::atomic<bool> wantFailed{false};    // JS listens for failure reports
  int tokenTimeoutMs = 0;                 // the core's timeout setting, read at creation
  int pendingMarkers = 0;                 // JS thread only
  int owners = 2;                         // JS thread only: NativeClient + TSFN
  bool inCall = false;                    // JS thread is inside a core call
  std::vector<std::pair<int, std::string>> pendingLogs;  // JS thread only
  // Log lines and reports from the core's worker while the JS thread waits in
  // closeSync (process exit): the thread-safe function cannot run then, so they
  // are handed to JS when closeSync returns.
  std::mutex syncMu;
  std::vector<std::unique_ptr<Message>> syncPending;
  std::mutex tokenMu;
  std::string cachedToken;
  bool haveCachedToken = false;
  Napi::FunctionReference* handler = nullptr;  // for log lines produced on the JS thread
};

void DropOwner(Bridge* b) {
  if (--b->owners == 0) delete b;
}

// ---- core callbacks --------------------------------------------------------

// A message from the core's worker thread to JS: through the thread-safe function,
// or, while the JS thread waits in closeSync, kept for closeSync to hand over.
void Post(Bridge* b, Message* m) {
  if (b->syncBlocking.load()) {
    std::lock_guard<std::mutex> lk(b->syncMu);
    b->syncPending.emplace_back(m);
    return;
  }
  if (b->events.NonBlockingCall(m) != napi_ok) delete m;
}

void LogCb(spoor_log_level_t level, const char* message, void* opaque) {
  auto* b = static_cast<Bridge*>(opaque);
  if (std::this_thread::get_id() == b->jsThread) {
    // Inside a synchronous call: handed to JS right after it, in order.
    if (b->inCall) b->pendingLogs.emplace_back(static_cast<int>(level), message);
    return;
  }
  if (b->released.load()) return;
  auto* m = new Message(Message::LOG);
  m->level = static_cast<int>(level);
  m->text = message;
  Post(b, m);
}

void DeliveryCb(const spoor_delivery_report_t* r, void* opaque) {
  auto* b = static_cast<Bridge*>(opaque);
  if (b->released.load()) return;
  bool ok = r->err == SPOOR_OK;
  // Nobody listening: the core has logged and counted it already.
  if (!(ok ? b->wantDelivered.load() : b->wantFailed.load())) return;
  auto* m = new Message(Message::DELIVERY);
  m->err = static_cast<int>(r->err);
  m->httpStatus = r->http_status;
  m->text = r->reason ? r->reason : "";
  m->count = r->count;
  m->ids.reserve(r->count);
  for (size_t i = 0; i < r->count; i++) {
    m->ids.emplace_back(r->event_ids && r->event_ids[i] ? r->event_ids[i] : "");
    // The events' texts only for failures: they are what a caller may want to keep.
    if (!ok) m->events.emplace_back(r->events && r->events[i] ? r->events[i] : "");
  }
  Post(b, m);
}

int TokenCb(char* buf, size_t size, void* opaque) {
  auto* b = static_cast<Bridge*>(opaque);
  auto fallback = [&]() -> int {
    std::lock_guard<std::mutex> lk(b->tokenMu);
    if (!b->haveCachedToken || b->cachedToken.size() + 1 > size) return 1;
    memcpy(buf, b->cachedToken.c_str(), b->cachedToken.size() + 1);
    return 0;
  };
  // The JS thread cannot answer while it waits in a synchronous close (process exit).
  if (b->released.load() || b->syncBlocking.load()) return fallback();
  auto req = std::make_shared<TokenRequest>();
  auto* holder = new TokenHolder(req);
  if (b->token.BlockingCall(holder) != napi_ok) {
    delete holder;
    return fallback();
  }
  std::unique_lock<std::mutex> lk(req->mu);
  if (!req->cv.wait_for(lk, std::chrono::milliseconds(b->tokenTimeoutMs), [&] { return req->done; }) ||
      !req->ok || req->token.size() + 1 > size) {
    lk.unlock();
    return fallback();
  }
  memcpy(buf, req->token.c_str(), req->token.size() + 1);
  std::lock_guard<std::mutex> ck(b->tokenMu);
  b->cachedToken = req->token;
  b->haveCachedToken = true;
  return 0;
}

void FinishToken(const TokenHolder& req, bool ok, std::string token) {
  std::lock_guard<std::mutex> lk(req->mu);
  if (req->done) return;
  req->done = true;
  req->ok = ok;
  req->token = std::move(token);
  req->cv.notify_all();
}

// JS side of a token request: getter(done) calls done(tokenOrNull) once.
void CallTokenJs(Napi::Env env, Napi::Function getter, void*, TokenHolder* holder) {
  TokenHolder req = *holder;
  delete holder;
  if (env == nullptr) {
    FinishToken(req, false, "");
    return;
  }
  Napi::Function done = Napi::Function::New(env, [req](const Napi::CallbackInfo& info) {
    if (info.Length() > 0 && info[0].IsString())
      FinishToken(req, true, info[0].As<Napi::String>().Utf8Value());
    else
      FinishToken(req, false, "");
  });
  try {
    getter.Call({done});
  } catch (const Napi::Error&) {
    FinishToken(req, false, "");
  }
}

Napi::Object ReportToJs(Napi::Env env, const Message& m) {
  Napi::Object o = Napi::Object::New(env);
  o.Set("code", Napi::String::New(env, spoor_err2name(static_cast<spoor_err_t>(m.err))));
  o.Set("errno", Napi::Number::New(env, m.err));
  o.Set("httpStatus", Napi::Number::New(env, m.httpStatus));
  o.Set("reason", Napi::String::New(env, m.text));
  o.Set("count", Napi::Number::New(env, static_cast<double>(m.count)));
  Napi::Array ids = Napi::Array::New(env, m.ids.size());
  for (size_t i = 0; i < m.ids.size(); i++) ids.Set(static_cast<uint32_t>(i), Napi::String::New(env, m.ids[i]));
  o.Set("eventIds", ids);
  Napi::Array events = Napi::Array::New(env, m.events.size());
  for (size_t i = 0; i < m.events.size(); i++)
    events.Set(static_cast<uint32_t>(i), Napi::String::New(env, m.events[i]));
  o.Set("events", events);
  return o;
}

void Dispatch(Napi::Env env, Napi::Function handler, Bridge* b, Message& msg);

// Runs on the JS thread for every message; handler(kind, payload).
void CallJs(Napi::Env env, Napi::Function handler, Bridge* b, Message* raw) {
  std::unique_ptr<Message> m(raw);
  if (env == nullptr) {  // being torn down
    if (m->deferred) delete m->deferred;
    return;
  }
  Napi::HandleScope scope(env);
  try {
    Dispatch(env, handler, b, *m);
  } catch (const Napi::Error&) {
    // JS cannot run (the environment is exiting): the message is dropped. A
    // listener's own exception is rethrown by lib/client.js on the next tick.
  }
}

void Dispatch(Napi::Env env, Napi::Function handler, Bridge* b, Message& msg) {
  Message* m = &msg;
  switch (m->kind) {
    case Message::LOG:
      handler.Call({Napi::String::New(env, "log"), Napi::Number::New(env, m->level), Napi::String::New(env, m->text)});
      break;
    case Message::DELIVERY:
      handler.Call({Napi::String::New(env, "delivery"), ReportToJs(env, *m)});
      break;
    case Message::MARKER: {
      std::unique_ptr<Napi::Promise::Deferred> d(m->deferred);
      m->deferred = nullptr;
      if (m->err != 0)
        d->Reject(MakeError(env, m->err, m->text).Value());
      else
        d->Resolve(env.Undefined());
      if (--b->pendingMarkers == 0 && !b->released.load()) b->events.Unref(env);
      break;
    }
  }
}

// ---- the client ------------------------------------------------------------

class NativeClient : public Napi::ObjectWrap<NativeClient> {
 public:
  static Napi::Function Init(Napi::Env env) {
    return DefineClass(env, "NativeClient",
                       {
                           InstanceMethod<&NativeClient::TwoTexts<spoor_record_event>>("recordEvent"),
                           InstanceMethod<&NativeClient::OneText<spoor_profile>>("profile"),
                           InstanceMethod<&NativeClient::TwoTexts<spoor_track_consents>>("trackConsents"),
                           InstanceMethod<&NativeClient::OneText<spoor_track>>("track"),
                           InstanceMethod<&NativeClient::Identify>("identify"),
                           InstanceMethod<&NativeClient::Group>("group"),
                           InstanceMethod<&NativeClient::Page>("page"),
                           InstanceMethod<&NativeClient::OneText<spoor_product>>("product"),
                           InstanceMethod<&NativeClient::IngestFeed>("ingestFeed"),
                           InstanceMethod<&NativeClient::OneText<spoor_enqueue>>("enqueue"),
                           InstanceMethod<&NativeClient::OneText<spoor_batch>>("batch"),
                           InstanceMethod<&NativeClient::Flush>("flush"),
                           InstanceMethod<&NativeClient::Close>("close"),
                           InstanceMethod<&NativeClient::CloseSync>("closeSync"),
                           InstanceMethod<&NativeClient::AnonymousId>("anonymousId"),
                           InstanceMethod<&NativeClient::Stats>("stats"),
                           InstanceMethod<&NativeClient::CloseTimeout>("closeTimeout"),
                           InstanceMethod<&NativeClient::Interest>("interest"),
                       });
  }

  // new NativeClient([[option, value], ...], handler(kind, payload), tokenGetter?)
  // Options are camelCase: the core is told so (key_style) and takes, checks and names
  // them that way itself.
  explicit NativeClient(const Napi::CallbackInfo& info) : Napi::ObjectWrap<NativeClient>(info) {
    Napi::Env env = info.Env();
    env_ = env;
    if (!info[0].IsArray() || !info[1].IsFunction()) throw Napi::TypeError::New(env, "NativeClient(entries, handler)");
    spoor_config_t* conf = spoor_config_new();
    if (conf == nullptr) throw MakeError(env, SPOOR_ERR_NOMEM, "out of memory");
    spoor_config_set(conf, "key_style", "camel");
    spoor_config_set(conf, "binding", "node");
    Napi::Array entries = info[0].As<Napi::Array>();
    for (uint32_t i = 0; i < entries.Length(); i++) {
      Napi::Array kv = entries.Get(i).As<Napi::Array>();
      std::string key = kv.Get(0u).As<Napi::String>().Utf8Value();
      std::string value = kv.Get(1u).As<Napi::String>().Utf8Value();
      spoor_err_t rc = spoor_config_set(conf, key.c_str(), value.c_str());
      if (rc != SPOOR_OK) {
        std::string msg = LastErrorText(rc);
        spoor_config_destroy(conf);
        Napi::Error e = MakeError(env, rc, msg);
        e.Set("key", Napi::String::New(env, key));
        throw e;
      }
    }

    bridge_ = new Bridge();
    bridge_->jsThread = std::this_thread::get_id();
    handler_ = Napi::Persistent(info[1].As<Napi::Function>());
    bridge_->handler = &handler_;
    bridge_->events = EventsTsfn::New(env, info[1].As<Napi::Function>(), "spoor-events", 0, 1, bridge_,
                                      [](Napi::Env, void*, Bridge* b) {
                                        b->released.store(true);
                                        DropOwner(b);
                                      });
    bridge_->events.Unref(env);
    if (info.Length() > 2 && info[2].IsFunction()) {
      bridge_->token = TokenTsfn::New(env, info[2].As<Napi::Function>(), "spoor-token", 0, 1);
      bridge_->token.Unref(env);
      bridge_->hasToken = true;
      bridge_->tokenTimeoutMs = static_cast<int>(ConfigMs(conf, "timeout"));  // a token waits as long as a request
      spoor_config_set_token_cb(conf, TokenCb, bridge_);
    }
    spoor_config_set_log_cb(conf, LogCb, bridge_);
    spoor_config_set_delivery_cb(conf, DeliveryCb, bridge_);

    closeTimeoutMs_ = ConfigMs(conf, "closeTimeout");
    bridge_->inCall = true;  // "client ready" is logged on this thread
    spoor_err_t rc = spoor_client_new(&client_, conf);
    bridge_->inCall = false;
    std::string msg = rc != SPOOR_OK ? LastErrorText(rc) : "";
    spoor_config_destroy(conf);
    DeliverPendingLogs(env);
    if (rc != SPOOR_OK) {
      client_ = nullptr;
      ReleaseTsfns();
      throw MakeError(env, rc, msg);
    }
    // Runs before the TSFNs' own teardown (hooks run in reverse order of registration).
    napi_add_env_cleanup_hook(env, &NativeClient::EnvCleanup, this);
    hooked_ = true;
  }

  ~NativeClient() override {
    if (hooked_) napi_remove_env_cleanup_hook(env_, &NativeClient::EnvCleanup, this);
    DestroyCore(-1);
    if (bridge_ != nullptr) {
      ReleaseTsfns();
      bridge_->handler = nullptr;
      DropOwner(bridge_);
    }
  }

 private:
  friend class OpWorker;

  static void EnvCleanup(void* arg) {
    auto* self = static_cast<NativeClient*>(arg);
    self->hooked_ = false;
    // The environment (a worker thread, or the process) ends: close within close_timeout.
    self->bridge_->syncBlocking.store(true);
    self->bridge_->released.store(true);  // the TSFNs are finalized by Node itself now
    self->DestroyCore(-1);
  }

  void DestroyCore(int timeoutMs) {
    if (client_ == nullptr || busy_.load() > 0) return;  // a worker still uses it: leave it
    bridge_->syncBlocking.store(true);
    spoor_close(client_, timeoutMs);
    spoor_client_destroy(client_);
    client_ = nullptr;
  }

  void ReleaseTsfns() {
    if (bridge_->released.exchange(true)) return;
    bridge_->events.Release();
    if (bridge_->hasToken) bridge_->token.Release();
  }

  // Run one synchronous core call; hand log lines it produced to JS; throw on error.
  template <typename F>
  Napi::Value Run(const Napi::CallbackInfo& info, F&& f) {
    Napi::Env env = info.Env();
    if (client_ == nullptr) throw MakeError(env, SPOOR_ERR_CLOSED, "client is closed");
    bridge_->inCall = true;
    spoor_err_t rc = f();
    bridge_->inCall = false;
    std::string msg = rc != SPOOR_OK ? LastErrorText(rc) : "";
    DeliverPendingLogs(env);
    if (rc != SPOOR_OK) throw MakeError(env, rc, msg);
    return env.Undefined();
  }

  // A duration setting as the core parsed it, in ms.
  static int64_t ConfigMs(const spoor_config_t* conf, const char* key) {
    char buf[32] = "";
    spoor_config_get(conf, key, buf, sizeof buf);
    return std::strtoll(buf, nullptr, 10);
  }

  void DeliverPendingLogs(Napi::Env env) {
    if (bridge_->pendingLogs.empty()) return;
    std::vector<std::pair<int, std::string>> logs;
    logs.swap(bridge_->pendingLogs);
    if (handler_.IsEmpty()) return;
    for (auto& l : logs) {
      try {
        handler_.Call({Napi::String::New(env, "log"), Napi::Number::New(env, l.first), Napi::String::New(env, l.second)});
      } catch (const Napi::Error&) {
        return;  // JS cannot run now (exiting)
      }
    }
  }

  // A string, or NULL for null/undefined (lib/ passes nothing else).
  struct OptStr {
    bool has = false;
    std::string s;
    explicit OptStr(const Napi::Value& v) {
      if (v.IsString()) {
        has = true;
        s = v.As<Napi::String>().Utf8Value();
      }
    }
    const char* c() const { return has ? s.c_str() : nullptr; }
  };

  // The JS string v as UTF-8 in buf, which is reused between calls: the hot path
  // (track) allocates nothing here once buf has grown, and reads the string once.
  // A copy that (nearly) fills buf may have been cut at a character's boundary
  // (up to 3 bytes short): then the length is asked for and it is copied again.
  // A Buffer is taken as its bytes, unchanged (a feed's text: the core checks its UTF-8).
  static const char* Utf8(Napi::Env env, const Napi::Value& v, std::string& buf) {
    size_t len = 0;
    if (v.IsBuffer()) {
      Napi::Buffer<char> b = v.As<Napi::Buffer<char>>();
      buf.assign(b.Data(), b.Length());
      return buf.c_str();
    }
    if (buf.size() < 1024) buf.resize(1024);
    if (napi_get_value_string_utf8(env, v, &buf[0], buf.size() + 1, &len) != napi_ok)
      throw Napi::TypeError::New(env, "expected a string");
    if (len + 4 > buf.size()) {
      napi_get_value_string_utf8(env, v, nullptr, 0, &len);
      buf.resize(len + 4);
      napi_get_value_string_utf8(env, v, &buf[0], buf.size() + 1, &len);
    }
    buf[len] = '\0';
    return buf.c_str();
  }

  // Operations that take one JSON text: track, profile, product, enqueue, batch.
  using TextOp = spoor_err_t (*)(spoor_client_t*, const char*);
  template <TextOp Op>
  Napi::Value OneText(const Napi::CallbackInfo& info) {
    const char* text = Utf8(info.Env(), info[0], buf0_);
    return Run(info, [&] { return Op(client_, text); });
  }
  // Operations that take two: recordEvent (collection, event), trackConsents (consents, subject).
  template <spoor_err_t (*Op)(spoor_client_t*, const char*, const char*)>
  Napi::Value TwoTexts(const Napi::CallbackInfo& info) {
    const char* a = Utf8(info.Env(), info[0], buf0_);
    // A missing second text is NULL: the core takes that as absent (trackConsents' subject).
    const char* b = info[1].IsString() ? Utf8(info.Env(), info[1], buf1_) : nullptr;
    return Run(info, [&] { return Op(client_, a, b); });
  }
  Napi::Value Identify(const Napi::CallbackInfo& info) {
    OptStr u(info[0]), t(info[1]);
    return Run(info, [&] { return spoor_identify(client_, u.c(), t.c()); });
  }
  Napi::Value Group(const Napi::CallbackInfo& info) {
    OptStr u(info[0]), g(info[1]), t(info[2]);
    return Run(info, [&] { return spoor_group(client_, u.c(), g.c(), t.c()); });
  }
  Napi::Value Page(const Napi::CallbackInfo& info) {
    OptStr u(info[0]), n(info[1]), p(info[2]);
    return Run(info, [&] { return spoor_page(client_, u.c(), n.c(), p.c()); });
  }
  Napi::Value IngestFeed(const Napi::CallbackInfo& info) {
    const char* text = Utf8(info.Env(), info[0], buf0_);
    size_t n = 0;
    Run(info, [&] { return spoor_ingest_feed(client_, text, &n); });
    return Napi::Number::New(info.Env(), static_cast<double>(n));
  }

  Napi::Value Flush(const Napi::CallbackInfo& info);
  Napi::Value Close(const Napi::CallbackInfo& info);

  // closeSync(timeoutMs): for process exit only; the JS thread blocks here.
  Napi::Value CloseSync(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    if (client_ == nullptr) return Napi::String::New(env, "OK");
    int t = info[0].IsNumber() ? info[0].As<Napi::Number>().Int32Value() : -1;
    bridge_->syncBlocking.store(true);
    bridge_->inCall = true;
    spoor_err_t rc = spoor_close(client_, t);
    bridge_->inCall = false;
    // The worker has stopped: what it reported while this thread waited (the events
    // the deadline aborted, its log lines) reaches JS now, before the close's own lines.
    std::vector<std::unique_ptr<Message>> worker;
    {
      std::lock_guard<std::mutex> lk(bridge_->syncMu);
      worker.swap(bridge_->syncPending);
    }
    for (auto& m : worker) {
      if (handler_.IsEmpty()) break;
      try {
        Dispatch(env, handler_.Value(), bridge_, *m);
      } catch (const Napi::Error&) {
        break;  // JS cannot run now
      }
    }
    DeliverPendingLogs(env);
    return Napi::String::New(env, spoor_err2name(rc));
  }

  Napi::Value AnonymousId(const Napi::CallbackInfo& info) {
    if (client_ == nullptr) return info.Env().Null();
    const char* id = spoor_anonymous_id(client_);
    return Napi::String::New(info.Env(), id ? id : "");
  }

  // [[name, value], ...]: every counter of SPOOR_STATS_COUNTERS, under the core's names.
  Napi::Value Stats(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    spoor_stats_t s = SPOOR_STATS_INIT;
    if (client_ != nullptr) spoor_client_stats(client_, &s);
    Napi::Array out = Napi::Array::New(env);
    uint32_t i = 0;
    auto add = [&](const char* name, uint64_t v) {
      Napi::Array pair = Napi::Array::New(env, 2);
      pair.Set(0u, Napi::String::New(env, name));
      pair.Set(1u, Napi::Number::New(env, static_cast<double>(v)));
      out.Set(i++, pair);
    };
#define SPOOR_NODE_COUNTER(name, meaning) add(#name, s.name);
    SPOOR_STATS_COUNTERS(SPOOR_NODE_COUNTER)
#undef SPOOR_NODE_COUNTER
    return out;
  }

  Napi::Value CloseTimeout(const Napi::CallbackInfo& info) {
    return Napi::Number::New(info.Env(), static_cast<double>(closeTimeoutMs_));
  }

  // interest(delivered, failed): which delivery reports JS listens for.
  Napi::Value Interest(const Napi::CallbackInfo& info) {
    bridge_->wantDelivered.store(info[0].ToBoolean().Value());
    bridge_->wantFailed.store(info[1].ToBoolean().Value());
    return info.Env().Undefined();
  }

  // Settle deferred (with rc) after every message queued so far reached JS.
  void QueueMarker(Napi::Env env, Napi::Promise::Deferred* d, int rc, std::string msg, bool thenRelease) {
    if (bridge_->released.load()) {
      if (rc != 0)
        d->Reject(MakeError(env, rc, msg).Value());
      else
        d->Resolve(env.Undefined());
      delete d;
      return;
    }
    auto* m = new Message(Message::MARKER);
    m->deferred = d;
    m->err = rc;
    m->text = std::move(msg);
    if (bridge_->pendingMarkers++ == 0) bridge_->events.Ref(env);  // until the marker is handled
    if (bridge_->events.NonBlockingCall(m) != napi_ok) {
      bridge_->pendingMarkers--;
      m->deferred = nullptr;
      delete m;
      if (rc != 0)
        d->Reject(MakeError(env, rc, msg).Value());
      else
        d->Resolve(env.Undefined());
      delete d;
    }
    if (thenRelease) ReleaseTsfns();
  }

  spoor_client_t* client_ = nullptr;
  Bridge* bridge_ = nullptr;
  Napi::FunctionReference handler_;
  napi_env env_ = nullptr;
  std::atomic<int> busy_{0};
  bool hooked_ = false;
  int64_t closeTimeoutMs_ = 0;
  std::string buf0_, buf1_;  // argument texts, reused (JS thread only)
};

// flush/close off the JS thread.
class OpWorker : public Napi::AsyncWorker {
 public:
  OpWorker(Napi::Env env, NativeClient* owner, bool close, int timeoutMs)
      : Napi::AsyncWorker(env, close ? "spoor.close" : "spoor.flush"),
        owner_(owner), close_(close), timeoutMs_(timeoutMs),
        deferred_(new Napi::Promise::Deferred(Napi::Promise::Deferred::New(env))) {
    owner_->Ref();
    owner_->busy_++;
  }
  Napi::Promise Promise() { return deferred_->Promise(); }

 protected:
  void Execute() override {
    rc_ = close_ ? spoor_close(owner_->client_, timeoutMs_) : spoor_flush(owner_->client_, timeoutMs_);
    if (rc_ != SPOOR_OK) msg_ = LastErrorText(rc_);
  }
  void OnOK() override {
    owner_->busy_--;
    // Settles after every report of the delivered events reached JS.
    owner_->QueueMarker(Env(), deferred_, rc_, msg_, close_);
    deferred_ = nullptr;
    // Closed: drop the strong reference to the JS handler (it closes over the Client),
    // so a closed client can be garbage-collected.
    if (close_) owner_->handler_.Reset();
    owner_->Unref();
  }
  void OnError(const Napi::Error& e) override {
    owner_->busy_--;
    deferred_->Reject(e.Value());
    delete deferred_;
    deferred_ = nullptr;
    owner_->Unref();
  }

 private:
  NativeClient* owner_;
  bool close_;
  int timeoutMs_;
  spoor_err_t rc_ = SPOOR_OK;
  std::string msg_;
  Napi::Promise::Deferred* deferred_;
};

Napi::Value NativeClient::Flush(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (client_ == nullptr) throw MakeError(env, SPOOR_ERR_CLOSED, "client is closed");
  int t = info[0].IsNumber() ? info[0].As<Napi::Number>().Int32Value() : -1;
  auto* w = new OpWorker(env, this, false, t);
  Napi::Promise p = w->Promise();
  w->Queue();
  return p;
}

Napi::Value NativeClient::Close(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (client_ == nullptr) {
    auto d = Napi::Promise::Deferred::New(env);
    d.Resolve(env.Undefined());
    return d.Promise();
  }
  int t = info[0].IsNumber() ? info[0].As<Napi::Number>().Int32Value() : -1;
  auto* w = new OpWorker(env, this, true, t);
  Napi::Promise p = w->Promise();
  w->Queue();
  return p;
}

// ---- module ----------------------------------------------------------------

Napi::Value Properties(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  static const char* types[] = {"string", "int", "bool", "duration", "json", "enum"};
  Napi::Array out = Napi::Array::New(env);
  const spoor_property_t* p;
  for (size_t i = 0; (p = spoor_config_property(i)) != nullptr; i++) {
    Napi::Object o = Napi::Object::New(env);
    o.Set("name", p->name);
    int t = static_cast<int>(p->type);
    o.Set("type", (t >= 0 && t < 6) ? types[t] : "string");
    o.Set("default", p->default_value ? p->default_value : "");
    o.Set("description", p->description ? p->description : "");
    o.Set("min", Napi::Number::New(env, static_cast<double>(p->min)));
    o.Set("max", Napi::Number::New(env, static_cast<double>(p->max)));
    o.Set("secret", Napi::Boolean::New(env, p->secret != 0));
    o.Set("unstable", Napi::Boolean::New(env, p->unstable != 0));
    out.Set(static_cast<uint32_t>(i), o);
  }
  return out;
}

Napi::Value Errors(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  size_t n = 0;
  const spoor_err_t* codes = spoor_err_list(&n);
  Napi::Array out = Napi::Array::New(env, n);
  for (size_t i = 0; i < n; i++) {
    Napi::Object o = Napi::Object::New(env);
    o.Set("code", Napi::Number::New(env, codes[i]));
    o.Set("name", spoor_err2name(codes[i]));
    o.Set("message", spoor_strerror(codes[i]));
    out.Set(static_cast<uint32_t>(i), o);
  }
  return out;
}

Napi::Value SetErrorFactory(const Napi::CallbackInfo& info) {
  AddonData* data = info.Env().GetInstanceData<AddonData>();
  data->errorFactory = Napi::Persistent(info[0].As<Napi::Function>());
  return info.Env().Undefined();
}

Napi::Object Init(Napi::Env env, Napi::Object exports) {
  auto* data = new AddonData();
  env.SetInstanceData<AddonData>(data);  // freed with the environment
  Napi::Function ctor = NativeClient::Init(env);
  data->clientCtor = Napi::Persistent(ctor);
  exports.Set("NativeClient", ctor);
  exports.Set("properties", Napi::Function::New(env, Properties, "properties"));
  exports.Set("errors", Napi::Function::New(env, Errors, "errors"));
  exports.Set("setErrorFactory", Napi::Function::New(env, SetErrorFactory, "setErrorFactory"));
  exports.Set("coreVersion", Napi::String::New(env, spoor_version()));
  return exports;
}

}  // namespace

NODE_API_MODULE(spoor, Init)
