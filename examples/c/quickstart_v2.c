/* wxface 2.0 (getverifyid / queryverifyinfo): start a verification for a
 * mini-program user, let the phone verify the face, then ask WeChat.
 *
 *   quickstart_v2 CONFIG new-order                                     -> a fresh out_seq_no
 *   quickstart_v2 CONFIG start OUT_SEQ_NO OPENID                      -> verify_id cert_hash
 *   quickstart_v2 CONFIG finish OUT_SEQ_NO OPENID VERIFY_ID CERT_HASH  -> the verdict
 *
 * out_seq_no: 5 to 32 of 0-9 A-Z a-z _ -, never used before with this
 * appid; use your order number, or new-order's (time-ordered, unique).
 * finish waits while the user has not finished (WXFACE_ERR_PENDING), at
 * most 30 seconds.
 *
 * Between the two steps keep verify_id, out_seq_no, openid and cert_hash
 * with the order: cert_hash stands for the name and ID number, which the
 * second step no longer needs. */
#include <stdio.h>
#include <string.h>
#include "wxface.h"

static const char NAME[] = "张三";
static const char ID_CARD_NUMBER[] = "11010519491231002X";

static wxface_client *open_client(const char *config_file, wxface_error *err) {
    wxface_client *client = NULL;
    wxface_config *cfg = wxface_config_new();
    if (cfg == NULL) {
        return NULL;
    }
    if (wxface_config_load_file(cfg, config_file, err) == WXFACE_OK) {
        wxface_client_new(cfg, &client, err);
    }
    wxface_config_free(cfg);
    return client;
}

int main(int argc, char **argv) {
    wxface_error err;
    wxface_client *client;
    int32_t rc;

    if (argc < 3) {
        fprintf(stderr, "usage: %s CONFIG new-order | CONFIG start OUT_SEQ_NO OPENID | CONFIG finish OUT_SEQ_NO OPENID VERIFY_ID CERT_HASH\n",
                argv[0]);
        return 64;
    }
    client = open_client(argv[1], &err);
    if (client == NULL) {
        fprintf(stderr, "%s: %s\n", wxface_code_name(err.code), err.message);
        return 1;
    }

    if (strcmp(argv[2], "new-order") == 0 && argc == 3) {
        char seq[WXFACE_OUT_SEQ_NO_SIZE];
        rc = wxface_out_seq_no_new(seq, sizeof seq, &err);
        if (rc == WXFACE_OK) {
            printf("%s\n", seq);
        }
    } else if (strcmp(argv[2], "start") == 0 && argc == 5) {
        /* 1. verify_id goes to wx.requestFacialVerify in the mini program. */
        wxface_response *r = NULL;
        rc = wxface_v2_get_verify_id(client, argv[3], argv[4], NAME, ID_CARD_NUMBER, &r, &err);
        if (rc == WXFACE_OK) {
            printf("%s %s\n", wxface_response_str(r, "verify_id"), wxface_response_str(r, "cert_hash"));
            wxface_response_free(r);
        }
    } else if (strcmp(argv[2], "finish") == 0 && argc == 7) {
        /* 2. wx.requestFacialVerify's success only means "ask the back end";
              ask until the answer is final, at most 30 s. */
        rc = wxface_v2_wait(client, argv[5], argv[3], argv[4], argv[6], 30000, NULL, NULL, &err);
        if (rc == WXFACE_OK) {
            printf("VERIFIED: verify_ret 10000\n");
        }
    } else {
        fprintf(stderr, "usage: %s CONFIG new-order | CONFIG start OUT_SEQ_NO OPENID | CONFIG finish OUT_SEQ_NO OPENID VERIFY_ID CERT_HASH\n",
                argv[0]);
        wxface_client_free(client);
        return 64;
    }

    if (rc != WXFACE_OK) {
        printf("REJECTED %s (%d), verify_ret %d: %s\n", wxface_code_name(rc), (int)rc, (int)err.verify_ret,
               err.message);
    }
    wxface_client_free(client);
    return rc == WXFACE_OK ? 0 : 2;
}
