package io.spoor;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Locale;

/**
 * Loads the JNI library once, on first use, from the first of:
 * <ol>
 *   <li>the system property {@code spoor.library} (or the environment variable
 *       {@code SPOOR_JAVA_LIBRARY}): a file path, for a library built by hand;</li>
 *   <li>the copy inside the jar ({@code io/spoor/native/linux-x86_64/libspoor_java.so}, which
 *       links libspoor, libcurl, OpenSSL, cJSON, expat and zlib in, so it needs only glibc):
 *       copied to a temporary file (in {@code spoor.tmpdir}, else {@code java.io.tmpdir}),
 *       loaded, and deleted again, as sqlite-jdbc and zstd-jni do;</li>
 *   <li>{@code System.loadLibrary("spoor_java")} (java.library.path).</li>
 * </ol>
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
            System.load(new File(path).getAbsolutePath());
        } else if (!loadFromJar()) {
            System.loadLibrary("spoor_java");
        }
        loaded = true;
    }

    /** The folder of this platform's library inside the jar, e.g. "linux-x86_64". */
    static String platform() {
        String os = System.getProperty("os.name", "").toLowerCase(Locale.ROOT).replaceAll("[^a-z]", "");
        String arch = System.getProperty("os.arch", "").toLowerCase(Locale.ROOT);
        if (arch.equals("amd64") || arch.equals("x8664")) {
            arch = "x86_64";
        } else if (arch.equals("arm64")) {
            arch = "aarch64";
        }
        return os + "-" + arch;
    }

    /** Loads the library the jar carries for this platform; false if it carries none. */
    private static boolean loadFromJar() {
        String resource = "native/" + platform() + "/" + System.mapLibraryName("spoor_java");
        try (InputStream in = Native.class.getResourceAsStream(resource)) {
            if (in == null) {
                return false;
            }
            String dir = System.getProperty("spoor.tmpdir", System.getProperty("java.io.tmpdir"));
            Path copy = Files.createTempFile(Path.of(dir), "spoor-", "-" + System.mapLibraryName("spoor_java"));
            try {
                Files.copy(in, copy, StandardCopyOption.REPLACE_EXISTING);
                System.load(copy.toAbsolutePath().toString());
            } catch (UnsatisfiedLinkError e) {
                throw new UnsatisfiedLinkError("spoor: cannot load the JNI library copied from the jar to " + copy
                        + " (" + e.getMessage() + "); if that folder is mounted noexec, set -Dspoor.tmpdir to"
                        + " another, or -Dspoor.library to a libspoor_java.so");
            } finally {
                // Once loaded, the file is not needed: the mapping stays (POSIX).
                Files.deleteIfExists(copy);
            }
            return true;
        } catch (IOException e) {
            throw new UnsatisfiedLinkError("spoor: cannot copy the JNI library out of the jar (" + e
                    + "); set -Dspoor.tmpdir to a writable folder, or -Dspoor.library to a libspoor_java.so");
        }
    }
}
