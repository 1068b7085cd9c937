package wxface

// #include <wxface.h>
import "C"

// HeaderVersion is the version of the wxface.h this package was built
// against; Version gives the linked library's.
const HeaderVersion = C.WXFACE_VERSION

// Version is "MAJOR.MINOR.PATCH" of the linked library.
func Version() string { return C.GoString(C.wxface_version()) }

// NormalizeIDCard gives the canonical 18 characters of a resident ID
// number (full-width digits, lower-case x and surrounding spaces accepted;
// checksum and birth date checked), or ErrInvalidIDCard.
func NormalizeIDCard(idCardNumber string) (string, error) {
	if err := libraryCheck(); err != nil {
		return "", err
	}
	s, err := toC(required("id_card_number", idCardNumber))
	if err != nil {
		return "", err
	}
	var out [19]C.char
	var cerr C.wxface_error
	if err := check(C.wxface_id_card_normalize(s.ptr(0), &out[0], &cerr), &cerr); err != nil {
		return "", err
	}
	return C.GoString(&out[0]), nil
}

// MD5IDCardNumber is 1.0's id_card_number_md5: lower-case hex MD5 of the
// normalised number (upper-case X).
func MD5IDCardNumber(idCardNumber string) (string, error) {
	if err := libraryCheck(); err != nil {
		return "", err
	}
	s, err := toC(required("id_card_number", idCardNumber))
	if err != nil {
		return "", err
	}
	var out [33]C.char
	var cerr C.wxface_error
	if err := check(C.wxface_md5_id_card_number(s.ptr(0), &out[0], &cerr), &cerr); err != nil {
		return "", err
	}
	return C.GoString(&out[0]), nil
}

// MD5Name is 1.0's name_utf8_md5: lower-case hex MD5 of the name's UTF-8.
func MD5Name(name string) (string, error) {
	if err := libraryCheck(); err != nil {
		return "", err
	}
	s, err := toC(required("name", name))
	if err != nil {
		return "", err
	}
	var out [33]C.char
	var cerr C.wxface_error
	if err := check(C.wxface_md5_name(s.ptr(0), &out[0], &cerr), &cerr); err != nil {
		return "", err
	}
	return C.GoString(&out[0]), nil
}

// CertHash is 2.0's cert_hash of (certType, certName, certNo) as given,
// lower-case hex. For "IDENTITY_CARD" pass the normalised number, as
// V2GetVerifyID does.
func CertHash(certType, certName, certNo string) (string, error) {
	if err := libraryCheck(); err != nil {
		return "", err
	}
	s, err := toC(required("cert_type", certType), required("cert_name", certName), required("cert_no", certNo))
	if err != nil {
		return "", err
	}
	var out [65]C.char
	var cerr C.wxface_error
	if err := check(C.wxface_cert_hash(s.ptr(0), s.ptr(1), s.ptr(2), &out[0], &cerr), &cerr); err != nil {
		return "", err
	}
	return C.GoString(&out[0]), nil
}

// OutSeqNoNew is a fresh 2.0 out_seq_no: 32 lower-case hex digits (a
// UUIDv7) that sort by creation time, unique across goroutines and
// processes, with no personal data. For when there is no order number.
func OutSeqNoNew() (string, error) {
	var out [C.WXFACE_OUT_SEQ_NO_SIZE]C.char
	var cerr C.wxface_error
	if err := check(C.wxface_out_seq_no_new(&out[0], C.size_t(len(out)), &cerr), &cerr); err != nil {
		return "", err
	}
	return C.GoString(&out[0]), nil
}
