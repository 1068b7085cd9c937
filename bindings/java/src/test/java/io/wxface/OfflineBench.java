package io.wxface;

/**
 * Per-call cost of an offline call through the binding: {@code WxFace.certHash}
 * (one wxface_cert_hash: UTF-8 encoding of three strings, the JNA call,
 * the hex result back into a String). Compare with the C figure for
 * wxface_cert_hash measured elsewhere; the difference is the binding's
 * overhead.
 *
 * <p>Run: {@code mvn -q test-compile exec:java} (optionally
 * {@code -Dexec.args="2000000"} for the iteration count).
 */
public final class OfflineBench {
    private OfflineBench() {}

    public static void main(String[] args) {
        int iterations = args.length > 0 ? Integer.parseInt(args[0]) : 200_000;
        String name = "张三";
        String number = "11010519491231002X";
        String[] sink = {""};
        double certHash = measure(iterations, () -> sink[0] = WxFace.certHash("IDENTITY_CARD", name, number));
        if (sink[0].length() != 64) {
            throw new AssertionError("unexpected cert_hash " + sink[0]);
        }
        // The floor of any call: no arguments to encode, a static string back.
        double codeName = measure(iterations, () -> sink[0] = WxFace.codeName(31));
        System.out.printf("java wxface_cert_hash: %.0f ns/call (best of 5 x %d, JNA direct mapping, libwxface %s at %s)%n",
                certHash, iterations, WxFace.version(), Lib.library().getFile());
        System.out.printf("java wxface_code_name: %.0f ns/call (binding floor: one JNA call and a String back)%n",
                codeName);
    }

    private static double measure(int iterations, Runnable call) {
        // Warm-up: let the JIT compile the call path.
        for (int i = 0; i < Math.max(20_000, iterations / 5); i++) {
            call.run();
        }
        double best = Double.MAX_VALUE;
        for (int round = 0; round < 5; round++) {
            long t0 = System.nanoTime();
            for (int i = 0; i < iterations; i++) {
                call.run();
            }
            best = Math.min(best, (System.nanoTime() - t0) / (double) iterations);
        }
        return best;
    }
}
