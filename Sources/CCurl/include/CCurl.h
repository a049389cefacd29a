#ifndef FEEDWORKER_CCURL_H
#define FEEDWORKER_CCURL_H
#include <curl/curl.h>
/// Non-variadic wrappers over curl_easy_setopt/getinfo (variadic C is not imported into Swift).
CURLcode fw_curl_setopt_long(CURL *h, CURLoption o, long v);
CURLcode fw_curl_setopt_ptr(CURL *h, CURLoption o, const void *v);
CURLcode fw_curl_setopt_off(CURL *h, CURLoption o, curl_off_t v);
CURLcode fw_curl_getinfo_long(CURL *h, CURLINFO i, long *v);
CURLcode fw_curl_getinfo_ptr(CURL *h, CURLINFO i, char **v);
#endif
