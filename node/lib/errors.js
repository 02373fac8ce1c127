'use strict';
// The error classes. The core names every error (spoor_err2name); the binding
// only picks the class that fits the name, so `err.code` is always the core's.

class SpoorError extends Error {
  constructor(message, code = 'UNKNOWN', errno = undefined) {
    super(message);
    this.name = 'SpoorError';
    this.code = code;
    if (errno !== undefined) this.errno = errno;
  }
}

/** Bad input to an operation (INVALID, TOO_LARGE): nothing was queued. */
class ValidationError extends SpoorError {
  constructor(message, code = 'INVALID', errno) { super(message, code, errno); this.name = 'ValidationError'; }
}

/** A bad or unknown configuration option (CONFIG_INVALID, CONFIG_UNKNOWN). */
class ConfigError extends SpoorError {
  constructor(message, code = 'CONFIG_INVALID', errno) { super(message, code, errno); this.name = 'ConfigError'; }
}

/** The client was closed (CLOSED). */
class ClosedError extends SpoorError {
  constructor(message, code = 'CLOSED', errno) { super(message, code, errno); this.name = 'ClosedError'; }
}

/** flush() or close() reached its deadline (TIMED_OUT); delivery goes on. */
class TimeoutError extends SpoorError {
  constructor(message, code = 'TIMED_OUT', errno) { super(message, code, errno); this.name = 'TimeoutError'; }
}

const byCode = {
  INVALID: ValidationError,
  TOO_LARGE: ValidationError,
  CONFIG_UNKNOWN: ConfigError,
  CONFIG_INVALID: ConfigError,
  CLOSED: ClosedError,
  TIMED_OUT: TimeoutError,
};

function makeError(code, message, errno) {
  const Cls = byCode[code] || SpoorError;
  return new Cls(message, code, errno);
}

module.exports = { SpoorError, ValidationError, ConfigError, ClosedError, TimeoutError, makeError };
