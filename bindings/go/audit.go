package wxface

// #include "audit.h"
import "C"

import (
	"context"
	"encoding/json"
	"runtime/cgo"
	"strings"
	"time"
)

// AuditRecord is one audited call: a 1.0 verify, a 2.0 getverifyid, query
// or wait, a push opened (or refused), an access-token fetch. It holds
// masked or hashed values only, never a name, ID number, verify_result,
// token or secret (see the README, "The audit trail").
type AuditRecord struct {
	Time             string `json:"time"`    // RFC 3339 UTC, milliseconds
	Call             string `json:"call"`    // v1_verify, v2_get_verify_id, v2_query, v2_wait, push_open, token_fetch
	Outcome          string `json:"outcome"` // VERIFIED, OK, PENDING, REJECTED, FAILED
	Code             Code   `json:"code"`
	CodeName         string `json:"code_name"`
	Errcode          int    `json:"errcode"`    // WeChat's errcode, or 0
	VerifyRet        int    `json:"verify_ret"` // verify_ret (1.0: identify_ret), or 0
	OutSeqNo         string `json:"out_seq_no,omitempty"`
	VerifyResultHash string `json:"verify_result_hash,omitempty"` // SHA-256 hex of the 1.0 verify_result
	VerifyID         string `json:"verify_id,omitempty"`          // masked
	OpenID           string `json:"openid,omitempty"`             // masked
	Subject          string `json:"subject,omitempty"`            // name and ID number masked
	Event            string `json:"event,omitempty"`
	Source           string `json:"source,omitempty"`
	LatencyMicros    int64  `json:"latency_us"`
	Attempts         int    `json:"attempts"`
	Queries          int    `json:"queries,omitempty"`
	// JSON is the record as the library wrote it: one line, as in audit_file.
	JSON string `json:"-"`
}

// AuditSink receives each AuditRecord on the goroutine that made the call,
// before the call returns: keep it short and never block (hand the record
// to a channel with room, or drop it into a queue). A panic is recovered
// and the call goes on. It must not call methods of the same Client.
type AuditSink func(AuditRecord)

//export wxfaceGoAudit
func wxfaceGoAudit(handle C.uintptr_t, line *C.char) {
	// A sink's panic must not unwind into the library's frames.
	defer func() { _ = recover() }()
	sink, ok := cgo.Handle(handle).Value().(AuditSink)
	if !ok || line == nil {
		return
	}
	text := C.GoString(line)
	var r AuditRecord
	if json.Unmarshal([]byte(text), &r) != nil {
		return
	}
	r.JSON = text
	sink(r)
}

func setAuditCallback(c *C.wxface_config, handle cgo.Handle) error {
	var cerr C.wxface_error
	return check(C.wxface_go_set_audit_callback(c, C.uintptr_t(handle), &cerr), &cerr)
}

// Latency is how long one kind of call took (1 % precision).
type Latency struct {
	Count         int64
	Sum, P50, P90 time.Duration
	P99, Max      time.Duration
}

// Stats are a client's counters since NewClient (see the README,
// "Counters").
type Stats struct {
	Uptime             time.Duration
	Retries            int64
	TokenFetches       int64
	TokenFetchFailures int64
	TokenRejections    int64
	ReplayRejections   int64
	AuditFailures      int64
	// Calls counts calls by kind and code name:
	// Calls["v1_verify"]["WXFACE_ERR_NAME_MISMATCH"].
	Calls map[string]map[string]int64
	// Requests counts HTTP requests per WeChat endpoint, retries included.
	Requests map[string]int64
	Latency  map[string]Latency
	// Prometheus is all of it in the Prometheus text exposition format.
	Prometheus string
}

// Stats returns the client's counters: calls by kind and code, requests
// per endpoint, retries, token fetches, replay rejections and latency
// percentiles. Never blocks on the network.
func (c *Client) Stats() (Stats, error) {
	k, _ := newCall() // no arguments to refuse
	defer k.release()
	if err := c.do(context.Background(), k, func(h *C.wxface_client, k *call) C.int32_t {
		return C.wxface_client_stats(h, &k.out, &k.err)
	}); err != nil {
		return Stats{}, err
	}
	return readResponse(k, statsFrom), nil
}

func statsFrom(f map[string]string) Stats {
	s := Stats{
		Uptime:             seconds(f, "uptime_s"),
		Retries:            integer(f, "retries"),
		TokenFetches:       integer(f, "token_fetches"),
		TokenFetchFailures: integer(f, "token_fetch_failures"),
		TokenRejections:    integer(f, "token_rejections"),
		ReplayRejections:   integer(f, "replay_rejections"),
		AuditFailures:      integer(f, "audit_failures"),
		Calls:              map[string]map[string]int64{},
		Requests:           map[string]int64{},
		Latency:            map[string]Latency{},
		Prometheus:         f["prometheus"],
	}
	micros := func(name string) time.Duration { return time.Duration(integer(f, name)) * time.Microsecond }
	for name := range f {
		parts := strings.Split(name, ".")
		switch {
		case len(parts) == 3 && parts[0] == "calls":
			if s.Calls[parts[1]] == nil {
				s.Calls[parts[1]] = map[string]int64{}
			}
			s.Calls[parts[1]][parts[2]] = integer(f, name)
		case len(parts) == 2 && parts[0] == "requests":
			s.Requests[parts[1]] = integer(f, name)
		case len(parts) == 3 && parts[0] == "latency" && parts[2] == "count":
			p := "latency." + parts[1] + "."
			s.Latency[parts[1]] = Latency{
				Count: integer(f, name),
				Sum:   micros(p + "sum_us"),
				P50:   micros(p + "p50_us"),
				P90:   micros(p + "p90_us"),
				P99:   micros(p + "p99_us"),
				Max:   micros(p + "max_us"),
			}
		}
	}
	return s
}
