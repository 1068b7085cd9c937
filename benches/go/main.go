// Command bench compares the Go binding with the raw cgo call it wraps and
// with what a Go user would write by hand (net/http, crypto/aes), in
// alternating rounds in one process against the nginx double: verify and
// 2.0 query on 1 and 8 goroutines, push opening on one. Its last table is
// the binding's own cost: binding / raw, and the CPU microseconds the
// binding adds per call. The raw calls take the response and free it,
// reading nothing, with pooled memory for the error and the out-pointer
// as the binding has.
//
// Needs WXFACE_BENCH_BASE (the double, benches/double/start.sh) and a
// release libwxface linked through CGO_LDFLAGS; `make bench` builds and
// runs it (benches/run.sh). Optional: WXFACE_BENCH_ROUND_S (default 1),
// WXFACE_BENCH_ROUNDS (default 3).
//
// Any failed call of the binding or of a raw call fails the run (exit 1).
// The by-hand net/http loop is a reference: a transport error there (the
// Transport retries only idempotent requests by itself, not these POSTs)
// is retried once, the retry's time counted in its round, and the retries
// are printed at the end; a second error in a row, or a wrong answer,
// fails the run.
package main

// #cgo CFLAGS: -I${SRCDIR}/../../include
// #cgo LDFLAGS: -lwxface
// #include <stdlib.h>
// #include <wxface.h>
import "C"

import (
	"bytes"
	"crypto/aes"
	"crypto/cipher"
	"crypto/sha1"
	"encoding/base64"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"
	"unsafe"

	wxface "github.com/wxface/wxface/bindings/go"
)

const (
	name       = "张三"
	idNumber   = "11010519491231002X"
	appID      = "wx5a3d6f1e2b4c8d90"
	pushToken  = "wxfaceToken2024"
	pushAESKey = "kWxPEV2UEDyxWpmPdKC3F4dgPDmOvfKX1HGnEUDS1aR"
)

var (
	base     = os.Getenv("WXFACE_BENCH_BASE")
	roundLen = time.Duration(envFloat("WXFACE_BENCH_ROUND_S", 1) * float64(time.Second))
	rounds   = int(envFloat("WXFACE_BENCH_ROUNDS", 3))
	seq      atomic.Uint64
	failures atomic.Uint64
	// retries counts the reference's transport errors retried once;
	// firstRetry keeps the first one's text.
	retries    atomic.Uint64
	firstRetry atomic.Value
)

func envFloat(k string, def float64) float64 {
	if v, err := strconv.ParseFloat(os.Getenv(k), 64); err == nil {
		return v
	}
	return def
}

func cpuSeconds() float64 {
	var u syscall.Rusage
	_ = syscall.Getrusage(syscall.RUSAGE_SELF, &u)
	return float64(u.Utime.Nano()+u.Stime.Nano()) / 1e9
}

// round: calls per second of n goroutines calling work, CPU us per call,
// Go heap allocations and bytes per call (steadier than time on a shared
// machine; the bytes set how often the collector runs).
func round(n int, work func()) (float64, float64, float64, float64) {
	var stop atomic.Bool
	var calls atomic.Uint64
	var ready, done sync.WaitGroup
	start := make(chan struct{})
	ready.Add(n)
	done.Add(n)
	for g := 0; g < n; g++ {
		go func() {
			defer done.Done()
			ready.Done()
			<-start
			var i uint64
			for !stop.Load() {
				work()
				i++
			}
			calls.Add(i)
		}()
	}
	ready.Wait()
	var m0, m1 runtime.MemStats
	runtime.ReadMemStats(&m0)
	t0, c0 := time.Now(), cpuSeconds()
	close(start)
	time.Sleep(roundLen)
	stop.Store(true)
	done.Wait()
	elapsed, cpu := time.Since(t0).Seconds(), cpuSeconds()-c0
	runtime.ReadMemStats(&m1)
	c := float64(calls.Load())
	if c == 0 {
		c = 1
	}
	return c / elapsed, cpu * 1e6 / c, float64(m1.Mallocs-m0.Mallocs) / c, float64(m1.TotalAlloc-m0.TotalAlloc) / c
}

type side struct {
	name string
	work func()
}

// measured is one side's medians over alternating rounds.
type measured struct{ rate, cpu, allocs, bytes map[string]float64 }

// compare: median calls/s, CPU us/call, allocations and bytes per call per
// side over alternating rounds.
func compare(n int, sides []side) measured {
	rates, cpus, allocs, sizes := map[string][]float64{}, map[string][]float64{}, map[string][]float64{}, map[string][]float64{}
	for _, s := range sides {
		round(n, s.work)
	}
	for r := 0; r < rounds; r++ {
		for _, s := range sides {
			rate, cpu, a, b := round(n, s.work)
			rates[s.name] = append(rates[s.name], rate)
			cpus[s.name] = append(cpus[s.name], cpu)
			allocs[s.name] = append(allocs[s.name], a)
			sizes[s.name] = append(sizes[s.name], b)
		}
	}
	med := func(m map[string][]float64) map[string]float64 {
		out := map[string]float64{}
		for k, v := range m {
			sort.Float64s(v)
			out[k] = v[len(v)/2]
		}
		return out
	}
	return measured{med(rates), med(cpus), med(allocs), med(sizes)}
}

func fail(what string, err error) {
	if failures.Add(1) == 1 {
		fmt.Fprintf(os.Stderr, "bench: %s: %v\n", what, err)
	}
}

// rawMem is what a raw call lends to C, taken from a pool as the binding
// takes its own: a local whose address goes to C is moved to the heap, and
// two allocations per call (528 bytes of them zeroed) would flatter the
// binding.
type rawMem struct {
	out *C.wxface_response
	e   C.wxface_error
}

var rawMems = sync.Pool{New: func() any { return new(rawMem) }}

// rawClient: a client made through the C ABI directly.
func rawClient(settings map[string]string) *C.wxface_client {
	cfg := C.wxface_config_new()
	defer C.wxface_config_free(cfg)
	var e C.wxface_error
	for k, v := range settings {
		ck, cv := C.CString(k), C.CString(v)
		rc := C.wxface_config_set(cfg, ck, cv, &e)
		C.free(unsafe.Pointer(ck))
		C.free(unsafe.Pointer(cv))
		if rc != 0 {
			panic("wxface_config_set " + k)
		}
	}
	var c *C.wxface_client
	if C.wxface_client_new(cfg, &c, &e) != 0 {
		panic("wxface_client_new")
	}
	return c
}

func main() {
	if base == "" {
		fmt.Fprintln(os.Stderr, "bench: WXFACE_BENCH_BASE is not set (benches/double/start.sh)")
		os.Exit(2)
	}
	port := base[strings.LastIndex(base, ":")+1:]
	// The library reaches the double by name, as it reaches WeChat.
	libBase := "http://localhost:" + port
	client, err := wxface.NewClient(wxface.Config{AppID: appID, Secret: "bench-secret-0123456789abcdef", APIBase: libBase, Proxy: "none"})
	if err != nil {
		panic(err)
	}
	defer client.Close()
	raw := rawClient(map[string]string{"appid": appID, "secret": "bench-secret-0123456789abcdef", "api_base": libBase, "proxy": "none"})
	cName, cID := C.CString(name), C.CString(idNumber)
	hc := &http.Client{Timeout: 15 * time.Second, Transport: &http.Transport{MaxIdleConnsPerHost: 64}}
	token := fetchToken(hc)
	getinfo := base + "/cityservice/face/identify/getinfo?access_token=" + url.QueryEscape(token)

	binding := func() {
		vr := "go-" + strconv.FormatUint(seq.Add(1), 10)
		if _, err := client.V1Verify(vr, wxface.Expected{Name: name, IDCardNumber: idNumber}); err != nil {
			fail("binding V1Verify", err)
		}
	}
	rawCall := func() {
		vr := C.CString("raw-" + strconv.FormatUint(seq.Add(1), 10))
		m := rawMems.Get().(*rawMem)
		if rc := C.wxface_v1_verify(raw, vr, cName, cID, nil, nil, &m.out, &m.e); rc != 0 {
			fail("raw wxface_v1_verify", errors.New(C.GoString(&m.e.message[0])))
		}
		C.wxface_response_free(m.out)
		rawMems.Put(m)
		C.free(unsafe.Pointer(vr))
	}
	byHand := func() {
		body, _ := json.Marshal(map[string]string{"verify_result": "nh-" + strconv.FormatUint(seq.Add(1), 10)})
		resp, err := hc.Post(getinfo, "application/json", bytes.NewReader(body))
		if err != nil {
			if retries.Add(1) == 1 {
				firstRetry.Store(err.Error())
			}
			resp, err = hc.Post(getinfo, "application/json", bytes.NewReader(body))
		}
		if err != nil {
			fail("net/http", err)
			return
		}
		var answer struct {
			ErrCode     *int `json:"errcode"`
			IdentifyRet *int `json:"identify_ret"`
		}
		err = json.NewDecoder(resp.Body).Decode(&answer)
		_, _ = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if err != nil || answer.ErrCode == nil || *answer.ErrCode != 0 || answer.IdentifyRet == nil || *answer.IdentifyRet != 0 {
			fail("net/http answer", err)
		}
	}

	var own []ownCost
	fmt.Printf("%s, GOMAXPROCS %d\n", runtime.Version(), runtime.GOMAXPROCS(0))
	fmt.Printf("verify calls/s (median of %d alternating %.1f s rounds); ratios are binding / other\n", rounds, roundLen.Seconds())
	fmt.Printf("%10s | %9s %9s %9s | %11s %8s | %25s\n", "goroutines", "binding", "raw cgo", "net/http", "vs net/http", "vs raw", "CPU us/call: binding raw")
	for _, n := range []int{1, 8} {
		m := compare(n, []side{{"binding", binding}, {"raw", rawCall}, {"hand", byHand}})
		r, cpu := m.rate, m.cpu
		fmt.Printf("%10d | %9.0f %9.0f %9.0f | %10.2fx %7.2fx | %16.1f %8.1f\n", n, r["binding"], r["raw"], r["hand"],
			r["binding"]/r["hand"], r["binding"]/r["raw"], cpu["binding"], cpu["raw"])
		own = append(own, ownCost{fmt.Sprintf("verify, %d goroutine%s", n, plural(n)), m})
	}

	// 2.0 queryverifyinfo: the same four arguments every call (WeChat keeps
	// answering a verify_id until it expires).
	verifyID, outSeqNo, openID, certHash := "bench-verify-id-0123456789", "benchSeq0001", "oBenchOpenid0123456789abcdef",
		strings.Repeat("ab", 32)
	if _, err := client.V2Query(verifyID, outSeqNo, openID, certHash); err != nil {
		panic(err)
	}
	cVerifyID, cOutSeqNo, cOpenID, cCertHash := C.CString(verifyID), C.CString(outSeqNo), C.CString(openID), C.CString(certHash)
	queryBinding := func() {
		if _, err := client.V2Query(verifyID, outSeqNo, openID, certHash); err != nil {
			fail("binding V2Query", err)
		}
	}
	queryRaw := func() {
		m := rawMems.Get().(*rawMem)
		if rc := C.wxface_v2_query(raw, cVerifyID, cOutSeqNo, cOpenID, cCertHash, &m.out, &m.e); rc != 0 {
			fail("raw wxface_v2_query", errors.New(C.GoString(&m.e.message[0])))
		}
		C.wxface_response_free(m.out)
		rawMems.Put(m)
	}
	for _, n := range []int{1, 8} {
		own = append(own, ownCost{fmt.Sprintf("query (2.0), %d goroutine%s", n, plural(n)),
			compare(n, []side{{"binding", queryBinding}, {"raw", queryRaw}})})
	}

	own = append(own, benchPush(libBase))
	fmt.Println()
	fmt.Println("the binding's own cost: binding / raw cgo call, same run")
	fmt.Printf("%-28s | %9s %9s | %7s | %21s %8s | %20s | %17s\n", "call", "binding/s", "raw/s", "ratio", "CPU us: binding raw",
		"added", "allocs: binding raw", "bytes: binding raw")
	for _, o := range own {
		fmt.Printf("%-28s | %9.0f %9.0f | %6.2fx | %12.1f %8.1f | %+7.1f | %11.1f %8.1f | %10.0f %6.0f\n", o.what, o.rate["binding"],
			o.rate["raw"], o.rate["binding"]/o.rate["raw"], o.cpu["binding"], o.cpu["raw"], o.cpu["binding"]-o.cpu["raw"],
			o.allocs["binding"], o.allocs["raw"], o.bytes["binding"], o.bytes["raw"])
	}
	for _, p := range []*C.char{cName, cID, cVerifyID, cOutSeqNo, cOpenID, cCertHash} {
		C.free(unsafe.Pointer(p))
	}
	if n := retries.Load(); n > 0 {
		fmt.Printf("net/http (the reference): %d transport errors, each retried once (first: %v)\n", n, firstRetry.Load())
	}
	if failures.Load() > 0 {
		fmt.Fprintf(os.Stderr, "bench: %d calls failed\n", failures.Load())
		os.Exit(1)
	}
}

// ownCost is one call's binding and raw sides, for the closing table.
type ownCost struct {
	what string
	measured
}

func plural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}

func fetchToken(hc *http.Client) string {
	resp, err := hc.Post(base+"/cgi-bin/stable_token", "application/json", strings.NewReader(`{"grant_type":"client_credential"}`))
	if err != nil {
		panic(err)
	}
	defer resp.Body.Close()
	var t struct {
		AccessToken string `json:"access_token"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&t); err != nil {
		panic(err)
	}
	return t.AccessToken
}

// benchPush: a safe-mode JSON push opened by the binding, by the raw C
// call, and by hand with the standard library (signature, AES-CBC, JSON).
func benchPush(libBase string) ownCost {
	settings := wxface.Config{AppID: appID, Secret: "bench-secret-0123456789abcdef", APIBase: libBase, Proxy: "none",
		PushToken: pushToken, PushAESKey: pushAESKey}
	client, err := wxface.NewClient(settings)
	if err != nil {
		panic(err)
	}
	defer client.Close()
	raw := rawClient(map[string]string{"appid": appID, "secret": "bench-secret-0123456789abcdef", "api_base": libBase,
		"proxy": "none", "push_token": pushToken, "push_aes_key": pushAESKey})
	event := `{"ToUserName":"gh_3f1c9a7b2e4d","FromUserName":"oU2c95XhnP8Tp9rAJ7Jq7tZ1zKwM","CreateTime":` +
		strconv.FormatInt(time.Now().Unix(), 10) + `,"MsgType":"event","Event":"face_identify",` +
		`"openid":"oU2c95XhnP8Tp9rAJ7Jq7tZ1zKwM","out_seq_no":"test1234","verify_result":"XXIzTtMqCxwOaawoE91"}`
	sealed, err := client.PushSeal(wxface.PushJSON, wxface.PushSafe, []byte(event), time.Now(), "1320562132")
	if err != nil {
		panic(err)
	}
	q, _ := url.ParseQuery(sealed.Query)
	key, _ := base64.StdEncoding.DecodeString(pushAESKey + "=")
	block, _ := aes.NewCipher(key)
	cq := C.CString(sealed.Query)
	cb := C.CBytes(sealed.Body)

	binding := func() {
		if _, err := client.PushOpen(sealed.Query, sealed.Body); err != nil {
			fail("binding PushOpen", err)
		}
	}
	rawCall := func() {
		m := rawMems.Get().(*rawMem)
		if C.wxface_push_open(raw, cq, (*C.char)(cb), C.size_t(len(sealed.Body)), &m.out, &m.e) != 0 {
			fail("raw wxface_push_open", errors.New(C.GoString(&m.e.message[0])))
		}
		C.wxface_response_free(m.out)
		rawMems.Put(m)
	}
	byHand := func() {
		var envelope struct{ Encrypt string }
		if err := json.Unmarshal(sealed.Body, &envelope); err != nil {
			fail("hand push", err)
			return
		}
		parts := []string{pushToken, q.Get("timestamp"), q.Get("nonce"), envelope.Encrypt}
		sort.Strings(parts)
		sum := sha1.Sum([]byte(strings.Join(parts, "")))
		if hex.EncodeToString(sum[:]) != q.Get("msg_signature") {
			fail("hand push", errors.New("signature"))
			return
		}
		ct, err := base64.StdEncoding.DecodeString(envelope.Encrypt)
		if err != nil || len(ct)%aes.BlockSize != 0 || len(ct) < 32 {
			fail("hand push", errors.New("ciphertext"))
			return
		}
		pt := make([]byte, len(ct))
		cipher.NewCBCDecrypter(block, key[:16]).CryptBlocks(pt, ct)
		pad := int(pt[len(pt)-1])
		if pad < 1 || pad > 32 || pad > len(pt) {
			fail("hand push", errors.New("padding"))
			return
		}
		pt = pt[:len(pt)-pad]
		n := int(binary.BigEndian.Uint32(pt[16:20]))
		if 20+n > len(pt) || string(pt[20+n:]) != appID {
			fail("hand push", errors.New("appid"))
			return
		}
		var ev map[string]any
		if err := json.Unmarshal(pt[20:20+n], &ev); err != nil || ev["Event"] != "face_identify" {
			fail("hand push", err)
		}
	}
	m := compare(1, []side{{"binding", binding}, {"raw", rawCall}, {"hand", byHand}})
	r, cpu := m.rate, m.cpu
	fmt.Printf("push opening, 1 goroutine: binding %.0f/s, raw cgo %.0f/s, by hand (crypto/aes) %.0f/s: "+
		"binding %.2fx by hand, %.2fx raw; CPU us/call binding %.1f, raw %.1f, by hand %.1f\n",
		r["binding"], r["raw"], r["hand"], r["binding"]/r["hand"], r["binding"]/r["raw"], cpu["binding"], cpu["raw"], cpu["hand"])
	C.free(unsafe.Pointer(cq))
	C.free(cb)
	return ownCost{"push opening, 1 goroutine", m}
}
