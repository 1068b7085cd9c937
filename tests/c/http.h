/* A tiny HTTP/1.1 client over POSIX sockets (Winsock on Windows): one request per connection. */
#ifndef WXFACE_TEST_HTTP_H
#define WXFACE_TEST_HTTP_H

#include <stddef.h>

/* Sends `method path` (with `body` as JSON when not NULL) to 127.0.0.1:port
   with `Connection: close` and reads the whole answer. Returns the HTTP
   status and puts the body (malloc'd, NUL-terminated) into *body_out, or
   returns -1 if the exchange failed (then *body_out is NULL). */
int http_request(int port, const char *method, const char *path, const char *body, char **body_out,
                 size_t *body_len);

#endif
