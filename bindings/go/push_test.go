package wxface_test

import (
	"crypto/sha1"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	wxface "github.com/wxface/wxface/bindings/go"
)

const (
	pushToken  = "GoBindingPushToken01"
	pushAESKey = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG"
)

func pushConfig() wxface.Config {
	cfg := sandboxConfig()
	cfg.PushToken = pushToken
	cfg.PushAESKey = pushAESKey
	return cfg
}

const faceIdentifyJSON = `{"ToUserName":"gh_0123456789ab","FromUserName":"o_push_user_000000000000001","CreateTime":%d,` +
	`"MsgType":"event","Event":"face_identify","openid":"o_push_user_000000000000001","out_seq_no":"push-seq-1","verify_result":"vr-push-0001"}`

const faceIdentifyXML = `<xml><ToUserName><![CDATA[gh_0123456789ab]]></ToUserName><FromUserName><![CDATA[o_push_user_000000000000001]]></FromUserName>` +
	`<CreateTime>%d</CreateTime><MsgType><![CDATA[event]]></MsgType><Event><![CDATA[face_identify]]></Event>` +
	`<openid><![CDATA[o_push_user_000000000000001]]></openid><out_seq_no><![CDATA[push-seq-1]]></out_seq_no>` +
	`<verify_result><![CDATA[vr-push-0001]]></verify_result></xml>`

func TestPushSealThenOpenRoundTrips(t *testing.T) {
	encrypted := newClient(t, pushConfig())
	plainCfg := pushConfig()
	plainCfg.PushAESKey = ""
	plainOnly := newClient(t, plainCfg)
	now := time.Now()
	messages := map[string]string{
		wxface.PushJSON: fmt.Sprintf(faceIdentifyJSON, now.Unix()),
		wxface.PushXML:  fmt.Sprintf(faceIdentifyXML, now.Unix()),
	}
	for format, message := range messages {
		for _, mode := range []string{wxface.PushPlain, wxface.PushCompatible, wxface.PushSafe} {
			t.Run(format+"/"+mode, func(t *testing.T) {
				// A client with an EncodingAESKey accepts only encrypted
				// pushes, so plain mode is played without one.
				client := encrypted
				if mode == wxface.PushPlain {
					client = plainOnly
				}
				sealed, err := client.PushSeal(format, mode, []byte(message), now, "nonce123")
				if err != nil {
					t.Fatalf("PushSeal: %v", err)
				}
				if mode == wxface.PushSafe && strings.Contains(string(sealed.Body), "vr-push-0001") {
					t.Fatalf("a safe-mode body shows the plaintext")
				}
				ev, err := client.PushOpen(sealed.Query, sealed.Body)
				if err != nil {
					t.Fatalf("PushOpen: %v", err)
				}
				got := [...]string{ev.ToUserName, ev.FromUserName, ev.MsgType, ev.Event, ev.OpenID, ev.OutSeqNo, ev.VerifyResult}
				want := [...]string{"gh_0123456789ab", "o_push_user_000000000000001", "event", "face_identify", "o_push_user_000000000000001", "push-seq-1", "vr-push-0001"}
				if got != want || ev.CreateTime.Unix() != now.Unix() || ev.Fields["Event"] != "face_identify" {
					t.Fatalf("opened %q at %v, want %q at %d", got, ev.CreateTime, want, now.Unix())
				}
			})
		}
	}
}

// The binding copies an answer into a buffer it keeps between calls; an
// answer larger than that buffer (here a push carrying a long
// verify_result) is read the long way, whole, and the next one as well,
// whether the buffer grew to it or it is too large ever to be kept.
func TestAnswersLargerThanTheBindingsBufferArriveWhole(t *testing.T) {
	client := newClient(t, pushConfig())
	now := time.Now()
	for _, size := range []int{3000, 30000} {
		verifyResult := strings.Repeat("v", size-1) + "z"
		message := strings.Replace(fmt.Sprintf(faceIdentifyJSON, now.Unix()), "vr-push-0001", verifyResult, 1)
		for attempt := 1; attempt <= 2; attempt++ {
			sealed, err := client.PushSeal(wxface.PushJSON, wxface.PushSafe, []byte(message), now, "nonce123")
			if err != nil {
				t.Fatalf("PushSeal of a %d-byte verify_result, attempt %d: %v", size, attempt, err)
			}
			ev, err := client.PushOpen(sealed.Query, sealed.Body)
			if err != nil {
				t.Fatalf("PushOpen of a %d-byte verify_result, attempt %d: %v", size, attempt, err)
			}
			if ev.VerifyResult != verifyResult || ev.Fields["verify_result"] != verifyResult || len(ev.Fields) != 8 ||
				ev.OutSeqNo != "push-seq-1" {
				t.Fatalf("attempt %d: verify_result of %d bytes (want %d), %d fields, out_seq_no %q",
					attempt, len(ev.VerifyResult), size, len(ev.Fields), ev.OutSeqNo)
			}
		}
	}
}

func TestPushOpenRefusesTamperedAndForeignPushes(t *testing.T) {
	client := newClient(t, pushConfig())
	now := time.Now()
	message := []byte(fmt.Sprintf(faceIdentifyJSON, now.Unix()))
	sealed, err := client.PushSeal(wxface.PushJSON, wxface.PushSafe, message, now, "nonce123")
	if err != nil {
		t.Fatal(err)
	}
	tampered := strings.Replace(sealed.Query, "msg_signature=", "msg_signature=0", 1)
	_, err = client.PushOpen(tampered, sealed.Body)
	wantCode(t, err, wxface.CodePushSignature)

	old := now.Add(-time.Hour)
	stale, err := client.PushSeal(wxface.PushJSON, wxface.PushSafe, []byte(fmt.Sprintf(faceIdentifyJSON, old.Unix())), old, "nonce123")
	if err != nil {
		t.Fatal(err)
	}
	_, err = client.PushOpen(stale.Query, stale.Body)
	wantCode(t, err, wxface.CodePushStale)

	// Sealed for another appid with the same token and key.
	otherCfg := pushConfig()
	otherCfg.AppID = "wx0000000000000000"
	other := newClient(t, otherCfg)
	foreign, err := other.PushSeal(wxface.PushJSON, wxface.PushSafe, message, now, "nonce123")
	if err != nil {
		t.Fatal(err)
	}
	_, err = client.PushOpen(foreign.Query, foreign.Body)
	wantCode(t, err, wxface.CodePushAppID)

	plain, err := client.PushSeal(wxface.PushJSON, wxface.PushPlain, message, now, "nonce123")
	if err != nil {
		t.Fatal(err)
	}
	_, err = client.PushOpen(plain.Query, plain.Body)
	wantCode(t, err, wxface.CodePushSignature) // plain refused once a key is set

	_, err = client.PushOpen(sealed.Query, nil)
	var e *wxface.Error
	if !errors.As(err, &e) || e.Code == wxface.CodeOK {
		t.Fatalf("an empty body opened: %v", err)
	}
}

// urlCheckQuery is WeChat's GET handshake, signed per PROTOCOL.md.
func urlCheckQuery(token string, ts int64, nonce, echostr string) string {
	timestamp := strconv.FormatInt(ts, 10)
	parts := []string{token, timestamp, nonce}
	sort.Strings(parts)
	sum := sha1.Sum([]byte(strings.Join(parts, "")))
	q := url.Values{"signature": {hex.EncodeToString(sum[:])}, "timestamp": {timestamp}, "nonce": {nonce}, "echostr": {echostr}}
	return q.Encode()
}

func TestPushCheckURLGivesEchostrOnlyForAGoodSignature(t *testing.T) {
	client := newClient(t, pushConfig())
	now := time.Now().Unix()
	echo, err := client.PushCheckURL(urlCheckQuery(pushToken, now, "n0nce", "echo-1234567890"))
	if err != nil || echo != "echo-1234567890" {
		t.Fatalf("PushCheckURL = %q, %v", echo, err)
	}
	_, err = client.PushCheckURL(urlCheckQuery("SomeOtherToken", now, "n0nce", "echo-1234567890"))
	wantCode(t, err, wxface.CodePushSignature)
}

// The sandbox pushes the face_identify event of a finished verification to
// a server on loopback, which opens it and verifies its verify_result.
func TestSandboxPushReachesAServerThatVerifiesIt(t *testing.T) {
	client := newClient(t, pushConfig())
	events := make(chan *wxface.PushEvent, 1)
	failures := make(chan error, 8)
	listener, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	server := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, err := io.ReadAll(r.Body)
		if err == nil {
			var ev *wxface.PushEvent
			if ev, err = client.PushOpen(r.URL.RawQuery, body); err == nil {
				select {
				case events <- ev:
				default:
				}
				_, _ = io.WriteString(w, "success")
				return
			}
		}
		failures <- err
		http.Error(w, "refused", http.StatusBadRequest)
	})}
	go func() { _ = server.Serve(listener) }()
	t.Cleanup(func() { _ = server.Close() })
	control(t, "POST", "/sandbox/push", map[string]any{
		"url": "http://" + listener.Addr().String() + "/wechat/push", "format": "xml", "mode": "safe",
		"token": pushToken, "aes_key": pushAESKey,
	})
	t.Cleanup(func() { control(t, "DELETE", "/sandbox/push", nil) })

	key, err := client.V1GetUserIDKey(zhangName, zhangID, "push-seq-go-1")
	if err != nil {
		t.Fatal(err)
	}
	verifyResult, openID := completeV1(t, key.UserIDKey, nil)
	select {
	case ev := <-events:
		if ev.Event != "face_identify" || ev.OutSeqNo != "push-seq-go-1" || ev.OpenID != openID || ev.VerifyResult != verifyResult {
			t.Fatalf("pushed event differs: event %q, out_seq_no %q", ev.Event, ev.OutSeqNo)
		}
		if _, err := client.V1Verify(ev.VerifyResult, wxface.Expected{Name: zhangName, IDCardNumber: zhangID, UserIDKey: key.UserIDKey, OpenID: ev.OpenID}); err != nil {
			t.Fatalf("verifying the pushed result: %v", err)
		}
	case err := <-failures:
		t.Fatalf("the server refused the push: %v", err)
	case <-time.After(10 * time.Second):
		t.Fatal("no push arrived")
	}
}

// Opening a push allocates what the event holds (its fields map, the one
// string the map's keys and values share, the PushEvent) and nothing per
// call besides: the arguments, the wxface_error and the out-pointers lent
// to C come from a pool. test.sh runs this without -race.
func TestPushOpenAllocatesOnlyTheEvent(t *testing.T) {
	if raceEnabled {
		t.Skip("allocation counts need a build without -race (test.sh runs one)")
	}
	client := newClient(t, pushConfig())
	now := time.Now()
	sealed, err := client.PushSeal(wxface.PushJSON, wxface.PushSafe, []byte(fmt.Sprintf(faceIdentifyJSON, now.Unix())), now, "nonce123")
	if err != nil {
		t.Fatalf("PushSeal: %v", err)
	}
	var openErr error
	allocs := testing.AllocsPerRun(200, func() {
		if _, err := client.PushOpen(sealed.Query, sealed.Body); err != nil {
			openErr = err
		}
	})
	if openErr != nil {
		t.Fatalf("PushOpen: %v", openErr)
	}
	// 4 for a map of 9 fields, 1 for the block, 1 for the event.
	if allocs > 6 {
		t.Fatalf("PushOpen made %.1f allocations per call, want at most 6", allocs)
	}
}
