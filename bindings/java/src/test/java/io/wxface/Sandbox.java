package io.wxface;

import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.HttpURLConnection;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.json.JSONObject;

/** A wxface-sandbox process on loopback, and its control API. */
final class Sandbox implements AutoCloseable {
    static final String APPID = "wx5a3d6f1e2b4c8d90";
    static final String SECRET = "sandbox-secret-0123456789abcdef";

    final String base;
    private final Process process;

    private Sandbox(Process process, String base) {
        this.process = process;
        this.base = base;
    }

    static String binary() {
        String env = System.getenv("WXFACE_SANDBOX");
        if (env != null && !env.isEmpty()) {
            return env;
        }
        String repo = System.getProperty("wxface.repo", "../..");
        return new File(repo, "target/debug/wxface-sandbox").getAbsolutePath();
    }

    static Sandbox start() throws IOException {
        ProcessBuilder pb = new ProcessBuilder(binary(), "--listen", "127.0.0.1:0");
        pb.redirectError(ProcessBuilder.Redirect.to(new File("/dev/null")));
        Process p = pb.start();
        BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        String line = out.readLine();
        if (line == null || !line.contains("http://127.0.0.1:")) {
            p.destroyForcibly();
            throw new IOException("unexpected sandbox first line: " + line);
        }
        // Keep draining stdout so the sandbox never blocks on a full pipe.
        Thread drain = new Thread(() -> {
            try {
                while (out.readLine() != null) {
                    // discard
                }
            } catch (IOException ignored) {
                // the process ended
            }
        }, "sandbox-stdout");
        drain.setDaemon(true);
        drain.start();
        return new Sandbox(p, line.substring(line.lastIndexOf(' ') + 1).trim());
    }

    /** A builder configured for this sandbox. */
    WxFaceClient.Builder builder() {
        return WxFaceClient.builder().appid(APPID).secret(SECRET).apiBase(base).proxy("none");
    }

    WxFaceClient client() {
        return builder().build();
    }

    JSONObject control(String method, String path, JSONObject body) {
        try {
            HttpURLConnection c = (HttpURLConnection) new URL(base + path).openConnection();
            c.setRequestMethod(method);
            c.setConnectTimeout(5000);
            c.setReadTimeout(10000);
            if (body != null) {
                c.setDoOutput(true);
                c.setRequestProperty("Content-Type", "application/json");
                try (OutputStream os = c.getOutputStream()) {
                    os.write(body.toString().getBytes(StandardCharsets.UTF_8));
                }
            }
            int status = c.getResponseCode();
            String text = readAll(status >= 400 ? c.getErrorStream() : c.getInputStream());
            if (status != 200) {
                throw new IllegalStateException("control " + method + " " + path + ": HTTP " + status + " " + text);
            }
            return text.trim().isEmpty() ? new JSONObject() : new JSONObject(text);
        } catch (IOException e) {
            throw new IllegalStateException("control " + method + " " + path + " failed", e);
        }
    }

    JSONObject post(String path, JSONObject body) {
        return control("POST", path, body == null ? new JSONObject() : body);
    }

    JSONObject stats() {
        return control("GET", "/sandbox/stats", null);
    }

    long requests(String path) {
        JSONObject r = stats().optJSONObject("requests");
        return r == null ? 0 : r.optLong(path, 0);
    }

    void fault(JSONObject spec) {
        post("/sandbox/faults", spec);
    }

    void reset() {
        post("/sandbox/reset", null);
    }

    static String readAll(InputStream in) throws IOException {
        if (in == null) {
            return "";
        }
        try (InputStream is = in) {
            ByteArrayOutputStream buf = new ByteArrayOutputStream();
            byte[] chunk = new byte[8192];
            int n;
            while ((n = is.read(chunk)) > 0) {
                buf.write(chunk, 0, n);
            }
            return new String(buf.toByteArray(), StandardCharsets.UTF_8);
        }
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }
}
