package wxface_test

import (
	"context"
	"errors"
	"fmt"
	"log"
	"time"

	wxface "github.com/wxface/wxface/bindings/go"
)

// These examples run against the sandbox that TestMain starts (apiBase).
// In production leave APIBase and Proxy unset and use your own appid and
// secret; the step marked "the phone" is done by your mini program.

// The 1.0 flow: register the person, let the user verify on the phone,
// then judge the verify_result the front end sends back.
func ExampleClient_V1Verify() {
	client, err := wxface.NewClient(wxface.Config{
		AppID:   sandboxAppID,
		Secret:  sandboxSecret,
		APIBase: apiBase, // production: leave unset
		Proxy:   "none",
	})
	if err != nil {
		log.Fatal(err)
	}
	defer client.Close()

	key, err := client.V1GetUserIDKey("张三", "11010519491231002X", "")
	if err != nil {
		log.Fatal(err)
	}

	// The phone: wx.startFacialRecognitionVerify({userIdKey}) yields a
	// verifyResult, and your back end knows the user's openid.
	verifyResult, openID := examplePhoneV1(key.UserIDKey)

	expected := wxface.Expected{Name: "张三", IDCardNumber: "11010519491231002x", UserIDKey: key.UserIDKey, OpenID: openID}
	_, err = client.V1Verify(verifyResult, expected)
	switch {
	case err == nil:
		fmt.Println("verified")
	case errors.Is(err, wxface.ErrNotPassed):
		fmt.Println("face verification failed")
	default:
		fmt.Println("refused:", err)
	}

	// A verify_result is accepted once only.
	_, err = client.V1Verify(verifyResult, expected)
	fmt.Println("replayed:", errors.Is(err, wxface.ErrReplayed))
	// Output:
	// verified
	// replayed: true
}

// The 2.0 flow: get a verify_id for the mini program, keep what the query
// needs, and ask for the verdict when the front end says it is done.
func ExampleClient_V2Query() {
	client, err := wxface.NewClient(wxface.Config{
		AppID:   sandboxAppID,
		Secret:  sandboxSecret,
		APIBase: apiBase, // production: leave unset
		Proxy:   "none",
	})
	if err != nil {
		log.Fatal(err)
	}
	defer client.Close()

	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	// Your order number (5 to 32 of 0-9 A-Z a-z _ -, never reused), or a fresh one.
	outSeqNo, err := wxface.OutSeqNoNew()
	if err != nil {
		log.Fatal(err)
	}
	const openID = "o_example_user_00000000001"
	vid, err := client.V2GetVerifyIDContext(ctx, outSeqNo, openID, "张三", "11010519491231002X")
	if err != nil {
		log.Fatal(err)
	}
	// Keep vid.VerifyID and vid.CertHash; the raw name and number are no
	// longer needed. Asked before the user has finished, WeChat says "not
	// completed": neither a pass nor a failure.
	_, err = client.V2QueryContext(ctx, vid.VerifyID, outSeqNo, openID, vid.CertHash)
	fmt.Println("before the phone:", errors.Is(err, wxface.ErrPending))

	// The phone: wx.requestFacialVerify({verifyId}). V2Wait asks again
	// while the answer is pending, until ctx's deadline.
	examplePhoneV2(vid.VerifyID)
	res, err := client.V2Wait(ctx, vid.VerifyID, outSeqNo, openID, vid.CertHash)
	var e *wxface.Error
	switch {
	case err == nil:
		fmt.Println("verified, verify_ret", res.VerifyRet)
	case errors.Is(err, wxface.ErrPending):
		fmt.Println("not finished yet: ask again later")
	case errors.As(err, &e) && e.Code == wxface.CodeNotPassed:
		fmt.Println("not passed, verify_ret", e.VerifyRet)
	default:
		log.Fatal(err)
	}
	// Output:
	// before the phone: true
	// verified, verify_ret 10000
}

// Errors carry the library's code; match them with errors.Is.
func ExampleError() {
	_, err := wxface.NormalizeIDCard("110105194912310021") // wrong check digit
	var e *wxface.Error
	if errors.As(err, &e) {
		fmt.Println(e.CodeName, errors.Is(err, wxface.ErrInvalidIDCard))
	}
	// Output:
	// WXFACE_ERR_INVALID_ID_CARD true
}

func ExampleCertHash() {
	id, _ := wxface.NormalizeIDCard("11010519491231002x")
	hash, err := wxface.CertHash("IDENTITY_CARD", "张三", id)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(id, len(hash))
	// Output:
	// 11010519491231002X 64
}

// examplePhoneV1 plays the mini program's 1.0 verification in the sandbox.
func examplePhoneV1(userIDKey string) (verifyResult, openID string) {
	verifyResult, openID, err := completeV1Err(userIDKey, nil)
	if err != nil {
		log.Fatal(err)
	}
	return verifyResult, openID
}

// examplePhoneV2 plays the mini program's 2.0 verification in the sandbox.
func examplePhoneV2(verifyID string) {
	if _, err := controlErr("POST", "/sandbox/v2/complete", map[string]any{"verify_id": verifyID}); err != nil {
		log.Fatal(err)
	}
}
