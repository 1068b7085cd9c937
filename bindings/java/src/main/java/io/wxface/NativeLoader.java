package io.wxface;

import com.sun.jna.NativeLibrary;
import com.sun.jna.Platform;
import java.io.File;
import java.util.ArrayList;
import java.util.List;

/**
 * Finds libwxface. First found wins: the system property
 * {@code wxface.library.path} (the library file or its directory), the
 * environment variable {@code WXFACE_LIBRARY} (the file), then JNA's own
 * search for "wxface": {@code jna.library.path}, the system library path,
 * and the copy bundled in this jar ({@code linux-x86-64/libwxface.so}).
 */
final class NativeLoader {
    static final String PROPERTY = "wxface.library.path";
    static final String ENV = "WXFACE_LIBRARY";
    private static final String NAME = "wxface";

    private static volatile NativeLibrary loaded;

    private NativeLoader() {}

    static NativeLibrary loaded() {
        return loaded;
    }

    /** Loads the library, or throws naming every place tried and why each failed. */
    static synchronized NativeLibrary load() {
        List<String> tried = new ArrayList<>();
        String property = System.getProperty(PROPERTY);
        if (property != null && !property.isEmpty()) {
            return remember(tryFile(explicitFile(property), "-D" + PROPERTY, tried), tried);
        }
        String env = System.getenv(ENV);
        if (env != null && !env.isEmpty()) {
            NativeLibrary lib = tryFile(new File(env), "$" + ENV, tried);
            if (lib != null) {
                return remember(lib, tried);
            }
        }
        try {
            return remember(NativeLibrary.getInstance(NAME, CallingConvention.CURRENT.libraryOptions()), tried);
        } catch (UnsatisfiedLinkError e) {
            tried.add("JNA search for \"" + NAME + "\" (jna.library.path=" + System.getProperty("jna.library.path")
                    + ", system paths, classpath resource " + Platform.RESOURCE_PREFIX + "/"
                    + System.mapLibraryName(NAME) + "): " + e.getMessage());
        }
        return remember(null, tried);
    }

    private static File explicitFile(String path) {
        File f = new File(path);
        return f.isDirectory() ? new File(f, System.mapLibraryName(NAME)) : f;
    }

    private static NativeLibrary tryFile(File file, String source, List<String> tried) {
        try {
            return NativeLibrary.getInstance(file.getAbsolutePath(), CallingConvention.CURRENT.libraryOptions());
        } catch (UnsatisfiedLinkError e) {
            tried.add(source + " " + file.getAbsolutePath() + ": " + e.getMessage());
            return null;
        }
    }

    private static NativeLibrary remember(NativeLibrary lib, List<String> tried) {
        if (lib == null) {
            StringBuilder msg = new StringBuilder("libwxface could not be loaded; tried:");
            for (String t : tried) {
                msg.append("\n  - ").append(t);
            }
            msg.append("\nSet -D").append(PROPERTY).append("=/path/to/").append(System.mapLibraryName(NAME))
                    .append(" or put the wxface jar (which bundles it for ").append(Platform.RESOURCE_PREFIX)
                    .append(") on the classpath.");
            throw new UnsatisfiedLinkError(msg.toString());
        }
        loaded = lib;
        return lib;
    }
}
