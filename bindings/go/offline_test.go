package wxface_test

import (
	"errors"
	"testing"

	wxface "github.com/wxface/wxface/bindings/go"
)

func TestVersionMatchesTheHeader(t *testing.T) {
	if wxface.Version() != wxface.HeaderVersion {
		t.Fatalf("library %s, header %s", wxface.Version(), wxface.HeaderVersion)
	}
}

// Each Code constant, its name in the C library and its sentinel agree.
func TestCodesNamesAndSentinelsAgree(t *testing.T) {
	table := []struct {
		code     wxface.Code
		name     string
		sentinel error
	}{
		{wxface.CodeInvalidArgument, "WXFACE_ERR_INVALID_ARGUMENT", wxface.ErrInvalidArgument},
		{wxface.CodeInvalidEncoding, "WXFACE_ERR_INVALID_ENCODING", wxface.ErrInvalidEncoding},
		{wxface.CodeInvalidIDCard, "WXFACE_ERR_INVALID_ID_CARD", wxface.ErrInvalidIDCard},
		{wxface.CodeConfig, "WXFACE_ERR_CONFIG", wxface.ErrConfig},
		{wxface.CodeNotFound, "WXFACE_ERR_NOT_FOUND", wxface.ErrNotFound},
		{wxface.CodeNetwork, "WXFACE_ERR_NETWORK", wxface.ErrNetwork},
		{wxface.CodeTimeout, "WXFACE_ERR_TIMEOUT", wxface.ErrTimeout},
		{wxface.CodeTLS, "WXFACE_ERR_TLS", wxface.ErrTLS},
		{wxface.CodeHTTP, "WXFACE_ERR_HTTP", wxface.ErrHTTP},
		{wxface.CodeBadResponse, "WXFACE_ERR_BAD_RESPONSE", wxface.ErrBadResponse},
		{wxface.CodeProxy, "WXFACE_ERR_PROXY", wxface.ErrProxy},
		{wxface.CodeStateStore, "WXFACE_ERR_STATE_STORE", wxface.ErrStateStore},
		{wxface.CodeWechat, "WXFACE_ERR_WECHAT", wxface.ErrWechat},
		{wxface.CodeAccessToken, "WXFACE_ERR_ACCESS_TOKEN", wxface.ErrAccessToken},
		{wxface.CodeRateLimited, "WXFACE_ERR_RATE_LIMITED", wxface.ErrRateLimited},
		{wxface.CodeSystemBusy, "WXFACE_ERR_SYSTEM_BUSY", wxface.ErrSystemBusy},
		{wxface.CodeVerifyResultInvalid, "WXFACE_ERR_VERIFY_RESULT_INVALID", wxface.ErrVerifyResultInvalid},
		{wxface.CodeVerifyResultExpired, "WXFACE_ERR_VERIFY_RESULT_EXPIRED", wxface.ErrVerifyResultExpired},
		{wxface.CodeUserInfoNotFound, "WXFACE_ERR_USER_INFO_NOT_FOUND", wxface.ErrUserInfoNotFound},
		{wxface.CodeNotPassed, "WXFACE_ERR_NOT_PASSED", wxface.ErrNotPassed},
		{wxface.CodeIDMismatch, "WXFACE_ERR_ID_MISMATCH", wxface.ErrIDMismatch},
		{wxface.CodeNameMismatch, "WXFACE_ERR_NAME_MISMATCH", wxface.ErrNameMismatch},
		{wxface.CodeUserIDKeyMismatch, "WXFACE_ERR_USER_ID_KEY_MISMATCH", wxface.ErrUserIDKeyMismatch},
		{wxface.CodeOpenIDMismatch, "WXFACE_ERR_OPENID_MISMATCH", wxface.ErrOpenIDMismatch},
		{wxface.CodeStaleResult, "WXFACE_ERR_STALE_RESULT", wxface.ErrStaleResult},
		{wxface.CodeReplayed, "WXFACE_ERR_REPLAYED", wxface.ErrReplayed},
		{wxface.CodeCertHashMismatch, "WXFACE_ERR_CERT_HASH_MISMATCH", wxface.ErrCertHashMismatch},
		{wxface.CodeOutSeqNoMismatch, "WXFACE_ERR_OUT_SEQ_NO_MISMATCH", wxface.ErrOutSeqNoMismatch},
		{wxface.CodePending, "WXFACE_ERR_PENDING", wxface.ErrPending},
		{wxface.CodeFieldRejected, "WXFACE_ERR_FIELD_REJECTED", wxface.ErrFieldRejected},
		{wxface.CodeVerifyIDExpired, "WXFACE_ERR_VERIFY_ID_EXPIRED", wxface.ErrVerifyIDExpired},
		{wxface.CodeOutSeqNoUsed, "WXFACE_ERR_OUT_SEQ_NO_USED", wxface.ErrOutSeqNoUsed},
		{wxface.CodePushSignature, "WXFACE_ERR_PUSH_SIGNATURE", wxface.ErrPushSignature},
		{wxface.CodePushDecrypt, "WXFACE_ERR_PUSH_DECRYPT", wxface.ErrPushDecrypt},
		{wxface.CodePushAppID, "WXFACE_ERR_PUSH_APPID", wxface.ErrPushAppID},
		{wxface.CodePushFormat, "WXFACE_ERR_PUSH_FORMAT", wxface.ErrPushFormat},
		{wxface.CodePushStale, "WXFACE_ERR_PUSH_STALE", wxface.ErrPushStale},
		{wxface.CodePushTooLarge, "WXFACE_ERR_PUSH_TOO_LARGE", wxface.ErrPushTooLarge},
		{wxface.CodeInternal, "WXFACE_ERR_INTERNAL", wxface.ErrInternal},
	}
	seen := map[wxface.Code]bool{}
	for _, row := range table {
		if got := wxface.CodeName(row.code); got != row.name {
			t.Errorf("CodeName(%d) = %q, want %q", row.code, got, row.name)
		}
		if row.code.Description() == "" {
			t.Errorf("%s has no description", row.name)
		}
		err := &wxface.Error{Code: row.code, CodeName: row.name}
		if !errors.Is(err, row.sentinel) {
			t.Errorf("%s does not match its sentinel", row.name)
		}
		for _, other := range table {
			if other.code != row.code && errors.Is(err, other.sentinel) {
				t.Errorf("%s matches the sentinel of %s", row.name, other.name)
			}
		}
		seen[row.code] = true
	}
	// A code the C library names that is missing above would be a gap.
	for c := wxface.Code(1); c < 200; c++ {
		if name := wxface.CodeName(c); name != "WXFACE_ERR_UNKNOWN" && !seen[c] {
			t.Errorf("the library has %s (%d) but the binding has no constant for it", name, c)
		}
	}
	if wxface.CodeName(wxface.CodeOK) != "WXFACE_OK" || wxface.CodeName(-7) != "WXFACE_ERR_UNKNOWN" {
		t.Errorf("OK or unknown codes are misnamed")
	}
}
