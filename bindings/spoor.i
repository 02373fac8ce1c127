/* spoor.i: the one SWIG interface over libspoor's public header.
 *
 * Every language gets the C API as it is (spoor_config_*, spoor_client_*, the
 * operations taking JSON text, spoor_err_t with spoor_err2name/spoor_last_error);
 * each language's small idiomatic layer (bindings/java, bindings/tcl) is built
 * on top. This file adds no logic: only what SWIG needs to pass the header's
 * out-parameters and strings.
 *
 * Out-parameters, the same way in every language (cpointer.i):
 *   p = new_spoor_client_ptr(); rc = spoor_client_new(p, conf);
 *   client = spoor_client_ptr_value(p); delete_spoor_client_ptr(p)
 *   n = new_size_t_ptr(); rc = spoor_ingest_feed(client, feed, n); size_t_ptr_value(n)
 *
 * Callbacks (log, delivery, token, clock, id) are not wrapped: their typed
 * setters take C function pointers called from the worker thread. The bindings
 * surface delivery through spoor_client_stats() instead, and the deterministic
 * test hooks are the config keys test_fixed_time / test_id_seed. */
%module spoor

%{
#include <stdlib.h>
#include <string.h>
#include <spoor.h>
%}

/* The export macro means nothing to SWIG. */
#define SPOOR_API

/* Fixed-width integers as the target language's 64-bit integer: the counters
 * never come near 2^63, and Java has no unsigned long. */
%apply long long { int64_t, uint64_t };

%include "cpointer.i"
%pointer_functions(spoor_client_t *, spoor_client_ptr);
%pointer_functions(size_t, size_t_ptr);
%include "carrays.i"
%array_functions(spoor_property_t, spoor_property_array);

/* Caller-buffer outputs: spoor_config_get() and spoor_client_stats_json(). */
#if defined(SWIGJAVA)
%include "various.i"
%apply char *BYTE { char *buf };
#else
/* Scripting languages: no buffer argument; the text is appended to the result
 * (Tcl: the list {code text}). */
%typemap(in, numinputs=0) (char *buf, size_t size) (char tmp[65536]) {
  tmp[0] = '\0';
  $1 = tmp;
  $2 = sizeof tmp;
}
%typemap(argout) (char *buf, size_t size) {
  %append_output(SWIG_FromCharPtr($1));
}
#endif

#if defined(SWIGJAVA)
/* C enums as Java enums, with the C values as constants. */
%include "enums.swg"
%javaconst(1);

/* Strings cross as real UTF-8. JNI's own string functions speak "modified
 * UTF-8" (a NUL as C0 80, characters beyond the BMP as two 3-byte surrogates),
 * which the core would refuse or store wrongly; so Java encodes and decodes
 * with StandardCharsets.UTF_8 and C sees plain bytes. A NUL inside a string
 * would silently cut it in C, so it is refused here. */
%typemap(jni) const char * "jbyteArray"
%typemap(jtype) const char * "byte[]"
%typemap(jstype) const char * "String"
%typemap(javain) const char * "io.spoor.jni.spoor.utf8($javainput)"
%typemap(javaout) const char * { return io.spoor.jni.spoor.fromUtf8($jnicall); }
%typemap(in) const char * {
  $1 = NULL;
  if ($input) {
    jsize n = (*jenv)->GetArrayLength(jenv, $input);
    char *s = (char *)malloc((size_t)n + 1);
    if (!s) {
      SWIG_JavaThrowException(jenv, SWIG_JavaOutOfMemoryError, "out of memory");
      return $null;
    }
    (*jenv)->GetByteArrayRegion(jenv, $input, 0, n, (jbyte *)s);
    s[n] = '\0';
    if (memchr(s, '\0', (size_t)n)) {
      free(s);
      SWIG_JavaThrowException(jenv, SWIG_JavaIllegalArgumentException,
                              "a string passed to spoor contains a NUL character");
      return $null;
    }
    $1 = s;
  }
}
%typemap(freearg) const char * { free((char *)$1); }
%typemap(out) const char * {
  $result = NULL;
  if ($1) {
    jsize n = (jsize)strlen($1);
    $result = (*jenv)->NewByteArray(jenv, n);
    if ($result) (*jenv)->SetByteArrayRegion(jenv, $result, 0, n, (const jbyte *)$1);
  }
}
%pragma(java) modulecode=%{
  /** UTF-8 bytes of s (null stays null). */
  public static byte[] utf8(String s) {
    return s == null ? null : s.getBytes(java.nio.charset.StandardCharsets.UTF_8);
  }
  /** The string of UTF-8 bytes b (null stays null). */
  public static String fromUtf8(byte[] b) {
    return b == null ? null : new String(b, java.nio.charset.StandardCharsets.UTF_8);
  }
%}
#endif

#if defined(SWIGTCL)
%{
/* Tcl 8.6 keeps a character beyond the BMP as a surrogate pair, each half as 3 bytes
 * (CESU-8: ED A0..AF xx ED B0..BF xx), which is not UTF-8. Returns a malloc'd UTF-8
 * copy with each such pair as its 4-byte sequence, or NULL when there is none. */
static int spoor_tcl_is_pair(const unsigned char *p) {
  return p[0] == 0xED && (p[1] & 0xF0) == 0xA0 && p[3] == 0xED && (p[4] & 0xF0) == 0xB0;
}
static char *spoor_tcl_utf8(const char *s, int len) {
  const unsigned char *p = (const unsigned char *)s;
  int i, found = 0;
  for (i = 0; i + 5 < len && !found; i++) found = spoor_tcl_is_pair(p + i);
  if (!found) return NULL;
  unsigned char *out = (unsigned char *)malloc((size_t)len + 1), *o = out;
  if (!out) return NULL;
  for (i = 0; i < len;) {
    if (i + 5 < len && spoor_tcl_is_pair(p + i)) {
      unsigned hi = ((p[i + 1] & 0x0Fu) << 6) | (p[i + 2] & 0x3Fu);  /* the high surrogate - 0xD800 */
      unsigned lo = ((p[i + 4] & 0x0Fu) << 6) | (p[i + 5] & 0x3Fu);  /* the low one - 0xDC00 */
      unsigned cp = 0x10000u + (hi << 10) + lo;
      *o++ = (unsigned char)(0xF0 | (cp >> 18));
      *o++ = (unsigned char)(0x80 | ((cp >> 12) & 0x3F));
      *o++ = (unsigned char)(0x80 | ((cp >> 6) & 0x3F));
      *o++ = (unsigned char)(0x80 | (cp & 0x3F));
      i += 6;
    } else {
      *o++ = p[i++];
    }
  }
  *o = 0;
  return (char *)out;
}
%}
/* Tcl has no null string: the value $spoor::null (one NUL character, which no C
 * string can hold anyway; Tcl stores it as the bytes C0 80) passes as C NULL, for
 * the optional arguments (traits, name, properties, subject). Characters beyond the
 * BMP ("\ud83d\ude00" in Tcl 8.6) reach C as UTF-8 (see spoor_tcl_utf8). */
%typemap(in) const char * (int len, char *utf8 = NULL) {
  $1 = Tcl_GetStringFromObj($input, &len);
  if (len == 2 && (unsigned char)$1[0] == 0xC0 && (unsigned char)$1[1] == 0x80) {
    $1 = NULL;
  } else if ((utf8 = spoor_tcl_utf8($1, len)) != NULL) {
    $1 = utf8;
  }
}
%typemap(freearg) const char * { free(utf8$argnum); }  /* the Tcl_Obj owns the rest */
#endif

/* Not wrapped: see the comment at the top. spoor_err_list() returns a C array;
 * the languages list the codes from the wrapped spoor_err_t enum instead. */
%ignore spoor_config_set_log_cb;
%ignore spoor_config_set_delivery_cb;
%ignore spoor_config_set_token_cb;
%ignore spoor_config_set_clock_cb;
%ignore spoor_config_set_id_cb;
%ignore spoor_delivery_report_s;
%ignore spoor_err_list;

/* Read-only views of the core's structs. */
%immutable spoor_property_s::name;
%immutable spoor_property_s::default_value;
%immutable spoor_property_s::description;

%include "spoor/common.h"
%include "spoor/version.h"
%include "spoor/errors.h"
%include "spoor/config.h"
%include "spoor/client.h"
