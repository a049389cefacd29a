#ifndef FEEDWORKER_CCURL_H
#define FEEDWORKER_CCURL_H
#include <curl/curl.h>
/// Non-variadic wrappers over curl_easy_setopt/getinfo (variadic C is not imported into Swift).
CURLcode fw_curl_setopt_long(CURL *h, CURLoption o, long v);
CURLcode fw_curl_setopt_ptr(CURL *h, CURLoption o, const void *v);
CURLcode fw_curl_setopt_off(CURL *h, CURLoption o, curl_off_t v);
CURLcode fw_curl_getinfo_long(CURL *h, CURLINFO i, long *v);
CURLcode fw_curl_getinfo_ptr(CURL *h, CURLINFO i, char **v);
CURLcode fw_curl_getinfo_off(CURL *h, CURLINFO i, curl_off_t *v);

/// Typed callback setters (a C function pointer cannot travel through `const void *` from Swift).
CURLcode fw_curl_set_write_function(CURL *h, curl_write_callback f);
CURLcode fw_curl_set_header_function(CURL *h, curl_write_callback f);
CURLcode fw_curl_set_opensocket_function(CURL *h, curl_opensocket_callback f);

/// Non-variadic wrapper over curl_multi_setopt for long values.
CURLMcode fw_curl_multi_setopt_long(CURLM *m, CURLMoption o, long v);

/// Reads the next finished transfer from `curl_multi_info_read`.
/// Returns 1 and fills `easy`/`result` for a CURLMSG_DONE message, 0 when the queue is empty.
int fw_curl_multi_next_done(CURLM *m, CURL **easy, CURLcode *result);

/// Decodes the address curl is about to connect to (from CURLOPT_OPENSOCKETFUNCTION).
/// Writes 4 (IPv4) or 16 (IPv6) address bytes into `bytes` and the port (host order) into `port`.
/// Returns 4 or 6 for the family, 0 for any other family.
int fw_curl_sockaddr_decode(const struct curl_sockaddr *a, unsigned char bytes[16], int *port);

/// Opens the socket described by `a` (what curl would have done itself), close-on-exec.
curl_socket_t fw_curl_sockaddr_open(const struct curl_sockaddr *a);
#endif
