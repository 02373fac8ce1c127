package io.spoor;

/**
 * Loads the JNI library once: from the system property {@code spoor.library} (a file path)
 * when set, else {@code System.loadLibrary("spoor_java")} (java.library.path).
 */
final class Native {
    private Native() {}

    private static boolean loaded;

    static synchronized void load() {
        if (loaded) {
            return;
        }
        String path = System.getProperty("spoor.library");
        if (path == null || path.isEmpty()) {
            path = System.getenv("SPOOR_JAVA_LIBRARY");
        }
        if (path != null && !path.isEmpty()) {
            System.load(new java.io.File(path).getAbsolutePath());
        } else {
            System.loadLibrary("spoor_java");
        }
        loaded = true;
    }
}
