/*
 * A 2.0 face verification from a C back end, in the two steps a HIS takes:
 *
 *   verify start NAME ID_NUMBER OPENID
 *       getverifyid: prints out_seq_no, verify_id and cert_hash to keep with
 *       the order; hand verify_id to the mini program.
 *   verify query OUT_SEQ_NO VERIFY_ID OPENID CERT_HASH
 *       after wx.requestFacialVerify: prints VERIFIED (exit 0), PENDING
 *       (exit 3) or REJECTED with the code and a PII-free message (exit 2).
 *
 * The configuration (appid, secret, ...) comes from the file named by
 * $WXFACE_CONFIG. Build on Linux: cc verify.c $(pkg-config --cflags --libs wxface)
 * On Windows: cl verify.c /I include lib\wxface.lib (or gcc ... -lwxface).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "wxface.h"

static wxface_client *client_from(const char *path) {
    wxface_error err;
    wxface_client *client = NULL;
    wxface_config *cfg = wxface_config_new();
    if (cfg == NULL || wxface_config_load_file(cfg, path, &err) != WXFACE_OK ||
        wxface_client_new(cfg, &client, &err) != WXFACE_OK) {
        fprintf(stderr, "configuration %s: %s\n", path, cfg == NULL ? "out of memory" : err.message);
        client = NULL;
    }
    wxface_config_free(cfg);
    return client;
}

static int start(wxface_client *client, char **argv) {
    char seq[WXFACE_OUT_SEQ_NO_SIZE];
    wxface_response *r = NULL;
    wxface_error err;
    if (wxface_out_seq_no_new(seq, sizeof seq, &err) != WXFACE_OK ||
        wxface_v2_get_verify_id(client, seq, argv[4], argv[2], argv[3], &r, &err) != WXFACE_OK) {
        fprintf(stderr, "getverifyid: %s: %s\n", wxface_code_name(err.code), err.message);
        return 1;
    }
    printf("out_seq_no=%s\nverify_id=%s\ncert_hash=%s\n", seq, wxface_response_str(r, "verify_id"),
           wxface_response_str(r, "cert_hash"));
    wxface_response_free(r);
    return 0;
}

static int query(wxface_client *client, char **argv) {
    wxface_error err;
    int32_t rc = wxface_v2_query(client, argv[3], argv[2], argv[4], argv[5], NULL, &err);
    if (rc == WXFACE_OK) {
        puts("VERIFIED");
        return 0;
    }
    if (rc == WXFACE_ERR_PENDING) {
        puts("PENDING: ask again later");
        return 3;
    }
    printf("REJECTED %s (%d, verify_ret %d): %s\n", wxface_code_name(rc), rc, err.verify_ret, err.message);
    return 2;
}

int main(int argc, char **argv) {
    const char *config = getenv("WXFACE_CONFIG");
    wxface_client *client;
    int rc;
    if (config == NULL || argc < 2 || (strcmp(argv[1], "start") == 0 ? argc != 5 : strcmp(argv[1], "query") != 0 || argc != 6)) {
        fprintf(stderr, "usage: WXFACE_CONFIG=FILE verify start NAME ID_NUMBER OPENID\n"
                        "       WXFACE_CONFIG=FILE verify query OUT_SEQ_NO VERIFY_ID OPENID CERT_HASH\n");
        return 64;
    }
    if ((client = client_from(config)) == NULL) return 1;
    rc = strcmp(argv[1], "start") == 0 ? start(client, argv) : query(client, argv);
    wxface_client_free(client);
    return rc;
}
