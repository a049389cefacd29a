#include <librdkafka/rdkafka.h>
#include <librdkafka/rdkafka_mock.h>
#include <string.h>

/* Small inline helpers for Swift: librdkafka's variadic producev() and the RD_KAFKA_V_* macros
 * are not imported, and rd_kafka_vu_t's anonymous union is awkward to fill from Swift. */

/// Produces one message with a copied key and value. `partition` < 0 means "by key".
/// `timestamp` 0 means "now". `headers` (may be NULL) is owned by librdkafka on success only.
static inline rd_kafka_error_t *fw_produce(rd_kafka_t *rk, const char *topic, int32_t partition,
                                           const void *key, size_t key_len, int has_key,
                                           const void *value, size_t value_len, int has_value,
                                           rd_kafka_headers_t *headers, int64_t timestamp,
                                           void *opaque) {
    rd_kafka_vu_t vus[8];
    size_t n = 0;
    memset(vus, 0, sizeof(vus));
    vus[n].vtype = RD_KAFKA_VTYPE_TOPIC; vus[n].u.cstr = topic; n++;
    vus[n].vtype = RD_KAFKA_VTYPE_PARTITION; vus[n].u.i32 = partition < 0 ? RD_KAFKA_PARTITION_UA : partition; n++;
    vus[n].vtype = RD_KAFKA_VTYPE_MSGFLAGS; vus[n].u.i = RD_KAFKA_MSG_F_COPY; n++;
    if (has_key) { vus[n].vtype = RD_KAFKA_VTYPE_KEY; vus[n].u.mem.ptr = (void *)key; vus[n].u.mem.size = key_len; n++; }
    if (has_value) { vus[n].vtype = RD_KAFKA_VTYPE_VALUE; vus[n].u.mem.ptr = (void *)value; vus[n].u.mem.size = value_len; n++; }
    if (headers) { vus[n].vtype = RD_KAFKA_VTYPE_HEADERS; vus[n].u.headers = headers; n++; }
    if (timestamp > 0) { vus[n].vtype = RD_KAFKA_VTYPE_TIMESTAMP; vus[n].u.i64 = timestamp; n++; }
    vus[n].vtype = RD_KAFKA_VTYPE_OPAQUE; vus[n].u.ptr = opaque; n++;
    return rd_kafka_produceva(rk, vus, n);
}

/// Pushes `count` copies of `err` for requests of `api_key` on the mock cluster.
static inline void fw_mock_push_errors(rd_kafka_mock_cluster_t *mcluster, int16_t api_key,
                                       rd_kafka_resp_err_t err, size_t count) {
    rd_kafka_resp_err_t errs[64];
    if (count > 64) count = 64;
    for (size_t i = 0; i < count; i++) errs[i] = err;
    rd_kafka_mock_push_request_errors_array(mcluster, api_key, count, errs);
}
