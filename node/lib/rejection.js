'use strict';
// A refused call must never end the process. Node ends it on an unhandled rejection,
// and an Express handler calling `client.track({...})` without await is the usual
// Segment/PostHog style (their clients never end a process either). So spoor's
// Promises are marked handled as soon as they reject, and a rejection nobody listens
// for is reported instead, through `unheard(err)`: the client's 'error' listeners and
// its log (docs/design.md, "Node: a refused call never ends the process").
//
// "Nobody listens" means that no then/catch/finally was called on the Promise (an
// `await` calls then: it is a Promise subclass) by the time the event loop's turn in
// which it rejected has run its microtasks, when Node would have called it unhandled.
// A caller who awaits or catches gets the rejection, as before.

/** Node must not count p as an unhandled rejection: p has a handler (a silent one). */
const markHandled = (p) => { Promise.prototype.then.call(p, undefined, () => {}); };

class SpoorPromise extends Promise {
  // then/catch/finally return plain Promises: a chain the caller builds keeps Node's rules.
  static get [Symbol.species]() { return Promise; }

  then(onFulfilled, onRejected) {
    this.heard = true;
    return super.then(onFulfilled, onRejected);
  }
}

function reportIfUnheard(p, err, unheard) {
  setImmediate(() => { if (!p.heard) unheard(err); });
}

/** A Promise rejected with err; unheard(err) when nobody handles it. */
function rejected(err, unheard) {
  const p = new SpoorPromise((_, reject) => reject(err));
  markHandled(p);
  reportIfUnheard(p, err, unheard);
  return p;
}

/** promise (a native flush or close) followed by a Promise whose rejection, if nobody handles it, goes to unheard. */
function guarded(promise, unheard) {
  const p = new SpoorPromise((resolve, reject) => {
    promise.then(resolve, (err) => {
      reject(err);
      reportIfUnheard(p, err, unheard);
    });
  });
  markHandled(p);
  return p;
}

module.exports = { rejected, guarded, SpoorPromise };
