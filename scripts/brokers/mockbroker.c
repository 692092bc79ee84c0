/*
 * mockbroker: librdkafka's in-process mock cluster, run as a standalone process that other
 * processes reach over TCP (127.0.0.1, random ports chosen by librdkafka).
 *
 * Usage:
 *   mockbroker [-b brokers] [-t topic:partitions[:rf]]... [-f bootstrap-file] [-c control-fifo]
 *
 *   -b N        number of mock brokers (default 3)
 *   -t spec     create a topic at start; repeatable
 *   -f path     write the bootstrap list (host:port,...) to this file once the cluster is up
 *   -c path     read control commands from this FIFO (created if missing); stdin otherwise
 *
 * Control commands, one per line; each one is answered "OK <cmd>" (or "ERR <cmd>: <reason>") on stdout:
 *   down <broker|-1>                 broker(s) drop connections and refuse new ones
 *   up <broker|-1>                   broker(s) come back
 *   rtt <broker|-1> <ms>             add round-trip latency
 *   err <apikey> <errcode> <count>   the next <count> requests of <apikey> fail with <errcode>
 *   clear <apikey>                   forget pushed errors for <apikey>
 *   leader <topic> <partition> <broker>
 *   topic <name> <partitions> <rf>
 *   coord group <group> <broker>     move a group's coordinator
 *
 * SIGTERM or SIGINT: destroy the cluster and exit 0.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <librdkafka/rdkafka.h>
#include <librdkafka/rdkafka_mock.h>

#define MAX_TOPICS 64
#define LINE_MAX_LEN 1024

static volatile sig_atomic_t stop_requested = 0;

static void on_signal(int sig) {
    (void)sig;
    stop_requested = 1;
}

/* Parses "topic:partitions[:rf]" into the cluster. Returns 0 on success. */
static int create_topic_spec(rd_kafka_mock_cluster_t *mcluster, const char *spec) {
    char name[256];
    int partitions = 0, rf = 1;
    const char *colon = strchr(spec, ':');
    if (!colon || (size_t)(colon - spec) >= sizeof(name) || colon == spec) {
        fprintf(stderr, "mockbroker: bad topic spec '%s' (want topic:partitions[:rf])\n", spec);
        return -1;
    }
    memcpy(name, spec, (size_t)(colon - spec));
    name[colon - spec] = '\0';
    if (sscanf(colon + 1, "%d:%d", &partitions, &rf) < 1 || partitions <= 0 || rf <= 0) {
        fprintf(stderr, "mockbroker: bad topic spec '%s'\n", spec);
        return -1;
    }
    rd_kafka_resp_err_t err = rd_kafka_mock_topic_create(mcluster, name, partitions, rf);
    if (err) {
        fprintf(stderr, "mockbroker: topic %s: %s\n", name, rd_kafka_err2str(err));
        return -1;
    }
    return 0;
}

/* Sets one broker, or all brokers when id is -1, down or up. */
static rd_kafka_resp_err_t set_broker_state(rd_kafka_mock_cluster_t *mcluster, int id, int broker_cnt, int up) {
    if (id != -1)
        return up ? rd_kafka_mock_broker_set_up(mcluster, id) : rd_kafka_mock_broker_set_down(mcluster, id);
    for (int b = 1; b <= broker_cnt; b++) {
        rd_kafka_resp_err_t err = up ? rd_kafka_mock_broker_set_up(mcluster, b)
                                     : rd_kafka_mock_broker_set_down(mcluster, b);
        if (err)
            return err;
    }
    return RD_KAFKA_RESP_ERR_NO_ERROR;
}

static rd_kafka_resp_err_t set_broker_rtt(rd_kafka_mock_cluster_t *mcluster, int id, int broker_cnt, int ms) {
    if (id != -1)
        return rd_kafka_mock_broker_set_rtt(mcluster, id, ms);
    for (int b = 1; b <= broker_cnt; b++) {
        rd_kafka_resp_err_t err = rd_kafka_mock_broker_set_rtt(mcluster, b, ms);
        if (err)
            return err;
    }
    return RD_KAFKA_RESP_ERR_NO_ERROR;
}

/* Runs one control line. Prints the answer on stdout. */
static void run_command(rd_kafka_mock_cluster_t *mcluster, int broker_cnt, char *line) {
    size_t len = strlen(line);
    while (len > 0 && (line[len - 1] == '\n' || line[len - 1] == '\r' || line[len - 1] == ' '))
        line[--len] = '\0';
    if (len == 0)
        return;

    char verb[32], a[256], b[256];
    int i1 = 0, i2 = 0, i3 = 0;
    rd_kafka_resp_err_t err = RD_KAFKA_RESP_ERR_NO_ERROR;
    const char *usage = NULL;

    if (sscanf(line, "%31s", verb) != 1) {
        usage = "empty";
    } else if (!strcmp(verb, "down") || !strcmp(verb, "up")) {
        if (sscanf(line, "%*s %d", &i1) != 1)
            usage = "want: down|up <broker|-1>";
        else
            err = set_broker_state(mcluster, i1, broker_cnt, !strcmp(verb, "up"));
    } else if (!strcmp(verb, "rtt")) {
        if (sscanf(line, "%*s %d %d", &i1, &i2) != 2)
            usage = "want: rtt <broker|-1> <ms>";
        else
            err = set_broker_rtt(mcluster, i1, broker_cnt, i2);
    } else if (!strcmp(verb, "err")) {
        if (sscanf(line, "%*s %d %d %d", &i1, &i2, &i3) != 3 || i3 <= 0 || i3 > 10000) {
            usage = "want: err <apikey> <errcode> <count>";
        } else {
            rd_kafka_resp_err_t *errors = calloc((size_t)i3, sizeof(*errors));
            if (!errors) {
                usage = "out of memory";
            } else {
                for (int k = 0; k < i3; k++)
                    errors[k] = (rd_kafka_resp_err_t)i2;
                rd_kafka_mock_push_request_errors_array(mcluster, (int16_t)i1, (size_t)i3, errors);
                free(errors);
            }
        }
    } else if (!strcmp(verb, "clear")) {
        if (sscanf(line, "%*s %d", &i1) != 1)
            usage = "want: clear <apikey>";
        else
            rd_kafka_mock_clear_request_errors(mcluster, (int16_t)i1);
    } else if (!strcmp(verb, "leader")) {
        if (sscanf(line, "%*s %255s %d %d", a, &i1, &i2) != 3)
            usage = "want: leader <topic> <partition> <broker>";
        else
            err = rd_kafka_mock_partition_set_leader(mcluster, a, i1, i2);
    } else if (!strcmp(verb, "topic")) {
        if (sscanf(line, "%*s %255s %d %d", a, &i1, &i2) != 3 || i1 <= 0 || i2 <= 0)
            usage = "want: topic <name> <partitions> <rf>";
        else
            err = rd_kafka_mock_topic_create(mcluster, a, i1, i2);
    } else if (!strcmp(verb, "coord")) {
        if (sscanf(line, "%*s %255s %255s %d", a, b, &i1) != 3 || strcmp(a, "group") != 0)
            usage = "want: coord group <group> <broker>";
        else
            err = rd_kafka_mock_coordinator_set(mcluster, "group", b, i1);
    } else {
        usage = "unknown command";
    }

    if (usage)
        printf("ERR %s: %s\n", line, usage);
    else if (err)
        printf("ERR %s: %s\n", line, rd_kafka_err2str(err));
    else
        printf("OK %s\n", line);
    fflush(stdout);
}

/* Writes the bootstrap list atomically (temp file + rename) so readers never see half of it. */
static int write_bootstrap_file(const char *path, const char *bootstraps) {
    char tmp[4096];
    if (snprintf(tmp, sizeof(tmp), "%s.tmp", path) >= (int)sizeof(tmp))
        return -1;
    FILE *f = fopen(tmp, "w");
    if (!f)
        return -1;
    fprintf(f, "%s\n", bootstraps);
    if (fclose(f) != 0)
        return -1;
    return rename(tmp, path);
}

int main(int argc, char **argv) {
    int broker_cnt = 3;
    const char *topics[MAX_TOPICS];
    int topic_cnt = 0;
    const char *bootstrap_path = NULL, *control_path = NULL;
    int opt;

    while ((opt = getopt(argc, argv, "b:t:f:c:h")) != -1) {
        switch (opt) {
        case 'b':
            broker_cnt = atoi(optarg);
            break;
        case 't':
            if (topic_cnt < MAX_TOPICS)
                topics[topic_cnt++] = optarg;
            break;
        case 'f':
            bootstrap_path = optarg;
            break;
        case 'c':
            control_path = optarg;
            break;
        default:
            fprintf(stderr, "usage: %s [-b brokers] [-t topic:partitions[:rf]]... [-f bootstrap-file] "
                            "[-c control-fifo]\n", argv[0]);
            return 2;
        }
    }
    if (broker_cnt < 1 || broker_cnt > 32) {
        fprintf(stderr, "mockbroker: -b must be 1..32\n");
        return 2;
    }

    struct sigaction sa;
    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = on_signal;
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGINT, &sa, NULL);
    signal(SIGPIPE, SIG_IGN);

    char errstr[512];
    rd_kafka_conf_t *conf = rd_kafka_conf_new();
    /* The host handle never connects anywhere; keep its own logging quiet. */
    if (rd_kafka_conf_set(conf, "log_level", "3", errstr, sizeof(errstr)) != RD_KAFKA_CONF_OK) {
        fprintf(stderr, "mockbroker: %s\n", errstr);
        rd_kafka_conf_destroy(conf);
        return 1;
    }
    rd_kafka_t *rk = rd_kafka_new(RD_KAFKA_PRODUCER, conf, errstr, sizeof(errstr));
    if (!rk) {
        fprintf(stderr, "mockbroker: rd_kafka_new: %s\n", errstr);
        rd_kafka_conf_destroy(conf);
        return 1;
    }
    rd_kafka_mock_cluster_t *mcluster = rd_kafka_mock_cluster_new(rk, broker_cnt);
    if (!mcluster) {
        fprintf(stderr, "mockbroker: could not create the mock cluster\n");
        rd_kafka_destroy(rk);
        return 1;
    }

    int rc = 0;
    for (int i = 0; i < topic_cnt; i++) {
        if (create_topic_spec(mcluster, topics[i]) != 0)
            rc = 2;
    }

    int control_fd = STDIN_FILENO;
    if (rc == 0 && control_path) {
        if (mkfifo(control_path, 0600) != 0 && errno != EEXIST) {
            fprintf(stderr, "mockbroker: mkfifo %s: %s\n", control_path, strerror(errno));
            rc = 1;
        } else {
            /* O_RDWR keeps a writer open ourselves, so the FIFO never reports end-of-file between clients. */
            control_fd = open(control_path, O_RDWR | O_NONBLOCK);
            if (control_fd < 0) {
                fprintf(stderr, "mockbroker: open %s: %s\n", control_path, strerror(errno));
                rc = 1;
            }
        }
    }

    const char *bootstraps = rd_kafka_mock_cluster_bootstraps(mcluster);
    if (rc == 0) {
        printf("BOOTSTRAP %s\n", bootstraps);
        fflush(stdout);
        if (bootstrap_path && write_bootstrap_file(bootstrap_path, bootstraps) != 0) {
            fprintf(stderr, "mockbroker: cannot write %s: %s\n", bootstrap_path, strerror(errno));
            rc = 1;
        }
    }

    char buffer[LINE_MAX_LEN];
    size_t used = 0;
    int input_open = 1;
    while (rc == 0 && !stop_requested) {
        struct pollfd pfd = {.fd = control_fd, .events = POLLIN};
        int n = input_open ? poll(&pfd, 1, 200) : (usleep(200 * 1000), 0);
        if (n <= 0)
            continue;
        ssize_t got = read(control_fd, buffer + used, sizeof(buffer) - 1 - used);
        if (got == 0) {
            input_open = 0; /* stdin closed: keep serving until a signal */
            continue;
        }
        if (got < 0)
            continue;
        used += (size_t)got;
        buffer[used] = '\0';
        char *start = buffer, *newline;
        while ((newline = strchr(start, '\n')) != NULL) {
            *newline = '\0';
            run_command(mcluster, broker_cnt, start);
            start = newline + 1;
        }
        used = strlen(start);
        memmove(buffer, start, used);
        if (used >= sizeof(buffer) - 1)
            used = 0; /* an over-long line: drop it */
    }

    if (control_path && control_fd >= 0 && control_fd != STDIN_FILENO)
        close(control_fd);
    rd_kafka_mock_cluster_destroy(mcluster);
    rd_kafka_destroy(rk);
    return rc;
}
