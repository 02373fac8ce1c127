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
 * The callbacks' typed setters (log, delivery, token) are not wrapped: they take
 * C function pointers called from the worker thread. Java gets delivery reports
 * through a JNI bridge below (spoor_java_delivery_listener); every language has
 * spoor_client_stats(). The test hooks of spoor/sys/testing.h are not wrapped
 * (spoor.h leaves that header out); the config keys test_fixed_time and
 * test_id_seed do the same for the conformance runners. */
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

#if defined(SWIGJAVA)
/* Delivery reports into Java: the worker thread attaches itself to the JVM (as a daemon,
 * detached again when the thread exits) and calls the static
 * io.spoor.DeliveryBridge.deliver(listener, err, httpStatus, reason, eventIds, events),
 * strings as UTF-8 byte arrays. The listener is held by a JNI global reference from
 * spoor_java_delivery_listener() until spoor_java_release(); the Java Client releases it
 * after spoor_client_destroy(), which joins the worker. The bridge catches whatever the
 * listener throws, so no Java exception is ever left pending on the worker thread. */
%{
#include <pthread.h>
static JavaVM *spoor_java_vm;
static jclass spoor_java_bridge;        /* global ref: FindClass on the worker would miss it */
static jclass spoor_java_bytes_class;   /* byte[] */
static jmethodID spoor_java_deliver;
static pthread_key_t spoor_java_attached;
static pthread_once_t spoor_java_once = PTHREAD_ONCE_INIT;

static void spoor_java_detach(void *unused) {
  (void)unused;
  (*spoor_java_vm)->DetachCurrentThread(spoor_java_vm);
}
static void spoor_java_make_key(void) { pthread_key_create(&spoor_java_attached, spoor_java_detach); }

static jbyteArray spoor_java_bytes(JNIEnv *env, const char *s) {
  jsize n = s ? (jsize)strlen(s) : 0;
  jbyteArray a = (*env)->NewByteArray(env, n);
  if (a && n) (*env)->SetByteArrayRegion(env, a, 0, n, (const jbyte *)s);
  return a;
}

static jobjectArray spoor_java_byte_arrays(JNIEnv *env, const char *const *items, size_t count) {
  jobjectArray a = (*env)->NewObjectArray(env, (jsize)count, spoor_java_bytes_class, NULL);
  for (size_t i = 0; a && i < count; i++) {
    jbyteArray b = spoor_java_bytes(env, items ? items[i] : NULL);
    if (!b) return NULL;
    (*env)->SetObjectArrayElement(env, a, (jsize)i, b);
    (*env)->DeleteLocalRef(env, b);
  }
  return a;
}

static void spoor_java_on_delivery(const spoor_delivery_report_t *r, void *opaque) {
  JNIEnv *env = NULL;
  if ((*spoor_java_vm)->GetEnv(spoor_java_vm, (void **)&env, JNI_VERSION_1_8) != JNI_OK) {
    JavaVMAttachArgs args = {JNI_VERSION_1_8, (char *)"spoor-worker", NULL};
    if ((*spoor_java_vm)->AttachCurrentThreadAsDaemon(spoor_java_vm, (void **)&env, &args) != JNI_OK) return;
    pthread_once(&spoor_java_once, spoor_java_make_key);
    pthread_setspecific(spoor_java_attached, env);
  }
  if ((*env)->PushLocalFrame(env, 8) != 0) {
    (*env)->ExceptionClear(env);
    return;
  }
  jbyteArray reason = spoor_java_bytes(env, r->reason);
  jobjectArray ids = reason ? spoor_java_byte_arrays(env, r->event_ids, r->count) : NULL;
  jobjectArray events = ids ? spoor_java_byte_arrays(env, r->events, r->count) : NULL;
  if (events) {
    (*env)->CallStaticVoidMethod(env, spoor_java_bridge, spoor_java_deliver, (jobject)opaque,
                                 (jint)r->err, (jint)r->http_status, reason, ids, events);
  }
  if ((*env)->ExceptionCheck(env)) {  /* out of memory building the arrays */
    (*env)->ExceptionDescribe(env);
    (*env)->ExceptionClear(env);
  }
  (*env)->PopLocalFrame(env, NULL);
}
%}
%typemap(in, numinputs=0) JNIEnv *jenv "$1 = jenv;"
%inline %{
/* Set listener (a java.lang.Object handed back to DeliveryBridge.deliver) as conf's
 * delivery callback. Returns the global reference to release with spoor_java_release(),
 * 0 when the JVM refused (an exception is then pending in Java). */
jlong spoor_java_delivery_listener(JNIEnv *jenv, spoor_config_t *conf, jobject listener) {
  if (!spoor_java_bridge) {
    jclass bridge = (*jenv)->FindClass(jenv, "io/spoor/DeliveryBridge");
    jclass bytes = bridge ? (*jenv)->FindClass(jenv, "[B") : NULL;
    if (!bytes) return 0;
    spoor_java_deliver = (*jenv)->GetStaticMethodID(jenv, bridge, "deliver",
        "(Ljava/lang/Object;II[B[[B[[B)V");
    if (!spoor_java_deliver || (*jenv)->GetJavaVM(jenv, &spoor_java_vm) != 0) return 0;
    spoor_java_bytes_class = (jclass)(*jenv)->NewGlobalRef(jenv, bytes);
    spoor_java_bridge = (jclass)(*jenv)->NewGlobalRef(jenv, bridge);
  }
  jobject ref = (*jenv)->NewGlobalRef(jenv, listener);
  if (!ref) return 0;
  spoor_config_set_delivery_cb(conf, spoor_java_on_delivery, ref);
  return (jlong)(intptr_t)ref;
}
/* Release a reference from spoor_java_delivery_listener() (0 is allowed). */
void spoor_java_release(JNIEnv *jenv, jlong ref) {
  if (ref) (*jenv)->DeleteGlobalRef(jenv, (jobject)(intptr_t)ref);
}
%}
#endif

/* Not wrapped: see the comment at the top. spoor_err_list() returns a C array;
 * the languages list the codes from the wrapped spoor_err_t enum instead. */
%ignore spoor_config_set_log_cb;
%ignore spoor_config_set_delivery_cb;
%ignore spoor_config_set_token_cb;
%ignore spoor_delivery_report_s;
%ignore spoor_err_list;

/* new spoor_stats_t() records its size, as SPOOR_STATS_INIT does in C: the JNI
 * library is compiled with the same header, so that is the size of its struct. */
%extend spoor_stats_s {
  spoor_stats_s() {
    spoor_stats_t *s = (spoor_stats_t *)calloc(1, sizeof *s);
    if (s) s->size = sizeof *s;
    return s;
  }
}
%immutable spoor_stats_s::size;

/* Read-only views of the core's structs. */
%immutable spoor_property_s::name;
%immutable spoor_property_s::default_value;
%immutable spoor_property_s::description;

%include "spoor/common.h"
%include "spoor/version.h"
%include "spoor/errors.h"
%include "spoor/config.h"
%include "spoor/client.h"
