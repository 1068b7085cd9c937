package io.wxface;

import java.time.Duration;
import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;

/**
 * A client's counters since it was made (README, "Counters"): calls by
 * kind and code, HTTP requests per WeChat endpoint, retries, token
 * fetches, replay rejections and latency percentiles. Immutable.
 */
public final class ClientStats extends WxFaceResponse {
    private final Map<String, Map<String, Long>> calls;
    private final Map<String, Long> requests;
    private final Map<String, Latency> latency;

    ClientStats(Map<String, String> fields) {
        super(fields);
        Map<String, Map<String, Long>> c = new TreeMap<>();
        Map<String, Long> r = new TreeMap<>();
        Map<String, Latency> l = new TreeMap<>();
        for (String name : fields.keySet()) {
            String[] parts = name.split("\\.");
            if (parts.length == 3 && parts[0].equals("calls")) {
                c.computeIfAbsent(parts[1], k -> new TreeMap<>()).put(parts[2], longOr(name, 0));
            } else if (parts.length == 2 && parts[0].equals("requests")) {
                r.put(parts[1], longOr(name, 0));
            } else if (parts.length == 3 && parts[0].equals("latency") && parts[2].equals("count")) {
                String p = "latency." + parts[1] + ".";
                l.put(parts[1], new Latency(longOr(name, 0), micros(p + "sum_us"), micros(p + "p50_us"),
                        micros(p + "p90_us"), micros(p + "p99_us"), micros(p + "max_us")));
            }
        }
        c.replaceAll((k, v) -> Collections.unmodifiableMap(v));
        this.calls = Collections.unmodifiableMap(c);
        this.requests = Collections.unmodifiableMap(r);
        this.latency = Collections.unmodifiableMap(l);
    }

    private Duration micros(String field) {
        return Duration.ofNanos(longOr(field, 0) * 1000);
    }

    public Duration uptime() {
        return Duration.ofSeconds(longOr("uptime_s", 0));
    }

    /** Requests sent again after a failure that was safe to retry. */
    public long retries() {
        return longOr("retries", 0);
    }

    /** Access tokens fetched from WeChat or the token provider, failures included. */
    public long tokenFetches() {
        return longOr("token_fetches", 0);
    }

    public long tokenFetchFailures() {
        return longOr("token_fetch_failures", 0);
    }

    /** Tokens WeChat refused during a call (then refreshed once). */
    public long tokenRejections() {
        return longOr("token_rejections", 0);
    }

    /** 1.0 results refused as already accepted. */
    public long replayRejections() {
        return longOr("replay_rejections", 0);
    }

    /** Audit records {@code audit_file} could not take. */
    public long auditFailures() {
        return longOr("audit_failures", 0);
    }

    /** Calls by kind and code name: {@code calls().get("v1_verify").get("WXFACE_OK")}. */
    public Map<String, Map<String, Long>> calls() {
        return calls;
    }

    /** HTTP requests per WeChat endpoint (getinfo, queryverifyinfo, stable_token...). */
    public Map<String, Long> requests() {
        return requests;
    }

    /** Latency by kind of call. */
    public Map<String, Latency> latency() {
        return latency;
    }

    /** All of it in the Prometheus text exposition format. */
    public String prometheus() {
        return get("prometheus");
    }

    /** How long one kind of call took (1 % precision). */
    public static final class Latency {
        public final long count;
        public final Duration sum;
        public final Duration p50;
        public final Duration p90;
        public final Duration p99;
        public final Duration max;

        Latency(long count, Duration sum, Duration p50, Duration p90, Duration p99, Duration max) {
            this.count = count;
            this.sum = sum;
            this.p50 = p50;
            this.p90 = p90;
            this.p99 = p99;
            this.max = max;
        }

        @Override
        public String toString() {
            return "Latency[count=" + count + ", p50=" + p50 + ", p99=" + p99 + ", max=" + max + "]";
        }
    }
}
