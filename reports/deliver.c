#include "deliver.h"

#include <curl/curl.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "mime.h"

extern char **environ;

/* Copies text into reply with control characters turned into spaces and
 * surrounding space trimmed. */
static void set_reply(char *reply, size_t size, const char *text, size_t n)
{
    if (!reply || size == 0)
        return;
    size_t o = 0;
    for (size_t i = 0; i < n && o + 1 < size; i++) {
        unsigned char c = (unsigned char)text[i];
        if (c < 0x20 || c == 0x7F)
            c = ' ';
        if (c == ' ' && (o == 0 || reply[o - 1] == ' '))
            continue;
        reply[o++] = (char)c;
    }
    while (o > 0 && reply[o - 1] == ' ')
        o--;
    reply[o] = '\0';
}

/* ---- SMTP ---- */

typedef struct smtp_session {
    FILE *in;
    char last[512];    /* the last complete reply line, QUIT's 221 aside */
    char failure[512]; /* the last 4xx/5xx reply line */
    char partial[512];
    size_t partial_len;
} smtp_session;

static size_t read_message(char *dest, size_t size, size_t nmemb, void *user)
{
    smtp_session *s = user;
    size_t n = fread(dest, 1, size * nmemb, s->in);
    if (n == 0 && ferror(s->in))
        return CURL_READFUNC_ABORT;
    return n;
}

/* libcurl says QUIT itself when a command fails, so the server's "221 Bye"
 * would hide the reply that matters: keep it apart. */
static void keep_line(smtp_session *s)
{
    const char *l = s->partial;
    size_t n = s->partial_len;
    s->partial_len = 0;
    if (n == 0 || (n >= 3 && memcmp(l, "221", 3) == 0))
        return;
    set_reply(s->last, sizeof s->last, l, n);
    if (l[0] == '4' || l[0] == '5')
        set_reply(s->failure, sizeof s->failure, l, n);
}

/* libcurl hands us the server's replies as CURLINFO_HEADER_IN; we keep the
 * last line. Only what the server sent is looked at: our own commands
 * (CURLINFO_HEADER_OUT, which carry AUTH) are never stored. */
static int watch_replies(CURL *curl, curl_infotype type, char *data, size_t size, void *user)
{
    (void)curl;
    smtp_session *s = user;
    if (type != CURLINFO_HEADER_IN)
        return 0;
    for (size_t i = 0; i < size; i++) {
        char c = data[i];
        if (c == '\n') {
            keep_line(s);
        } else if (c != '\r' && s->partial_len + 1 < sizeof s->partial) {
            s->partial[s->partial_len++] = c;
        }
    }
    return 0;
}

static int is_loopback(const char *host)
{
    return strcmp(host, "localhost") == 0 || strncmp(host, "127.", 4) == 0 ||
           strcmp(host, "::1") == 0;
}

static allot_status check_host(const char *host, allot_error *err)
{
    if (!host || !host[0])
        return allot_error_set(err, ALLOT_ERR_CONFIG, NULL, 0, 0,
                               "no SMTP host: set host in the [pack] section (or use sendmail)");
    if (strlen(host) > 253)
        return allot_error_set(err, ALLOT_ERR_CONFIG, NULL, 0, 0, "SMTP host name too long");
    for (const char *p = host; *p; p++) {
        char c = *p;
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '.' || c == '-' || c == ':'))
            return allot_error_set(err, ALLOT_ERR_CONFIG, NULL, 0, 0,
                                   "SMTP host '%s': only a host name or an IP address is "
                                   "allowed (letters, digits, '.', '-', ':')",
                                   host);
    }
    return ALLOT_OK;
}

allot_status allot_deliver_smtp(const allot_smtp *smtp, const char *envelope_from,
                                const char *const *rcpt, size_t n_rcpt, const char *eml_path,
                                char *reply, size_t reply_size, allot_error *err)
{
    set_reply(reply, reply_size, "", 0);
    allot_status st = check_host(smtp->host, err);
    if (st != ALLOT_OK)
        return st;
    long port = smtp->port ? smtp->port : smtp->tls == ALLOT_SMTP_TLS_IMPLICIT ? 465 : 25;
    if (port < 1 || port > 65535)
        return allot_error_set(err, ALLOT_ERR_CONFIG, NULL, 0, 0,
                               "SMTP port %ld: must be 1 to 65535", port);
    int auth = smtp->user && smtp->user[0];
    if (auth && smtp->tls == ALLOT_SMTP_TLS_NONE && !is_loopback(smtp->host))
        return allot_error_set(err, ALLOT_ERR_CONFIG, NULL, 0, 0,
                               "refusing to send the SMTP password to %s without TLS: set "
                               "starttls = yes (or tls = smtps) in the [pack] section",
                               smtp->host);
    if (auth && (!smtp->password || !smtp->password[0]))
        return allot_error_set(err, ALLOT_ERR_CONFIG, NULL, 0, 0,
                               "SMTP user '%s' has no password: set password_env or "
                               "password_file in the [pack] section",
                               smtp->user);
    if (auth && (allot_mime_check_header_text(smtp->user, "SMTP user", err) != ALLOT_OK ||
                 strchr(smtp->user, ' ')))
        return allot_error_set(err, ALLOT_ERR_CONFIG, NULL, 0, 0,
                               "SMTP user: must be one word without control characters");
    if (n_rcpt == 0)
        return allot_error_set(err, ALLOT_ERR_DATA, NULL, 0, 0, "no recipients");

    /* Angle-bracketed addr-specs for MAIL FROM and RCPT TO, checked so that
     * no CR/LF can reach the SMTP dialogue. */
    char spec[320], from_arg[330];
    st = allot_mime_check_address(envelope_from, "from", spec, sizeof spec, err);
    if (st != ALLOT_OK)
        return st;
    snprintf(from_arg, sizeof from_arg, "<%s>", spec);
    struct curl_slist *rcpts = NULL;
    for (size_t i = 0; i < n_rcpt; i++) {
        char arg[330];
        st = allot_mime_check_address(rcpt[i], "recipient", spec, sizeof spec, err);
        if (st != ALLOT_OK) {
            curl_slist_free_all(rcpts);
            return st;
        }
        snprintf(arg, sizeof arg, "<%s>", spec);
        struct curl_slist *next = curl_slist_append(rcpts, arg);
        if (!next) {
            curl_slist_free_all(rcpts);
            return allot_error_set(err, ALLOT_ERR_NOMEM, NULL, 0, 0, "out of memory");
        }
        rcpts = next;
    }

    smtp_session s = {0};
    s.in = fopen(eml_path, "rb");
    if (!s.in) {
        curl_slist_free_all(rcpts);
        return allot_error_set(err, ALLOT_ERR_IO, eml_path, 0, 0, "cannot open: %s",
                               strerror(errno));
    }
    struct stat sb;
    if (fstat(fileno(s.in), &sb) != 0 || !S_ISREG(sb.st_mode)) {
        fclose(s.in);
        curl_slist_free_all(rcpts);
        return allot_error_set(err, ALLOT_ERR_IO, eml_path, 0, 0, "not a regular file");
    }

    char url[300];
    int v6 = strchr(smtp->host, ':') != NULL;
    snprintf(url, sizeof url, "%s://%s%s%s:%ld", smtp->tls == ALLOT_SMTP_TLS_IMPLICIT ? "smtps" : "smtp",
             v6 ? "[" : "", smtp->host, v6 ? "]" : "", port);

    CURL *curl = curl_easy_init();
    if (!curl) {
        fclose(s.in);
        curl_slist_free_all(rcpts);
        return allot_error_set(err, ALLOT_ERR_NOMEM, NULL, 0, 0, "cannot start libcurl");
    }
    char curl_error[CURL_ERROR_SIZE] = "";
    long timeout = smtp->timeout_seconds > 0 ? smtp->timeout_seconds : 120;
    curl_easy_setopt(curl, CURLOPT_URL, url);
    curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR, "smtp,smtps");
    curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, curl_error);
    curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT, timeout < 15 ? timeout : 15L);
    curl_easy_setopt(curl, CURLOPT_TIMEOUT, timeout);
    curl_easy_setopt(curl, CURLOPT_MAIL_FROM, from_arg);
    curl_easy_setopt(curl, CURLOPT_MAIL_RCPT, rcpts);
    curl_easy_setopt(curl, CURLOPT_UPLOAD, 1L);
    curl_easy_setopt(curl, CURLOPT_READFUNCTION, read_message);
    curl_easy_setopt(curl, CURLOPT_READDATA, &s);
    curl_easy_setopt(curl, CURLOPT_INFILESIZE_LARGE, (curl_off_t)sb.st_size);
    curl_easy_setopt(curl, CURLOPT_VERBOSE, 1L); /* feeds watch_replies; prints nothing */
    curl_easy_setopt(curl, CURLOPT_DEBUGFUNCTION, watch_replies);
    curl_easy_setopt(curl, CURLOPT_DEBUGDATA, &s);
    if (smtp->tls == ALLOT_SMTP_TLS_STARTTLS)
        curl_easy_setopt(curl, CURLOPT_USE_SSL, (long)CURLUSESSL_ALL);
    if (smtp->ca_file && smtp->ca_file[0])
        curl_easy_setopt(curl, CURLOPT_CAINFO, smtp->ca_file);
    /* libcurl verifies peer and host name by default; say so anyway */
    curl_easy_setopt(curl, CURLOPT_SSL_VERIFYPEER, 1L);
    curl_easy_setopt(curl, CURLOPT_SSL_VERIFYHOST, 2L);
    if (auth) {
        curl_easy_setopt(curl, CURLOPT_USERNAME, smtp->user);
        curl_easy_setopt(curl, CURLOPT_PASSWORD, smtp->password);
    }

    CURLcode rc = curl_easy_perform(curl);
    keep_line(&s); /* a reply cut off without its line end */
    if (rc != CURLE_OK && s.failure[0])
        memcpy(s.last, s.failure, sizeof s.last);
    set_reply(reply, reply_size, s.last, strlen(s.last));
    if (rc != CURLE_OK) {
        st = allot_error_set(err, ALLOT_ERR_IO, NULL, 0, 0,
                             "SMTP delivery to %s:%ld failed: %s%s%s%s%s", smtp->host, port,
                             curl_easy_strerror(rc), curl_error[0] ? " (" : "", curl_error,
                             curl_error[0] ? ")" : "",
                             s.last[0] ? "; the server said: " : "; no reply from the server");
        if (s.last[0] && err) {
            size_t used = strlen(err->message);
            snprintf(err->message + used, sizeof err->message - used, "%s", s.last);
        }
    }
    curl_easy_cleanup(curl); /* sends QUIT; its reply no longer matters */
    curl_slist_free_all(rcpts);
    fclose(s.in);
    return st;
}

/* ---- sendmail ---- */

allot_status allot_deliver_sendmail(const char *sendmail_path, const char *eml_path,
                                    long timeout_seconds, char *reply, size_t reply_size,
                                    allot_error *err)
{
    set_reply(reply, reply_size, "", 0);
    if (!sendmail_path || sendmail_path[0] != '/')
        return allot_error_set(err, ALLOT_ERR_CONFIG, NULL, 0, 0,
                               "sendmail path '%s': give an absolute path (e.g. /usr/sbin/sendmail)",
                               sendmail_path ? sendmail_path : "");
    if (access(sendmail_path, X_OK) != 0)
        return allot_error_set(err, ALLOT_ERR_IO, sendmail_path, 0, 0,
                               "cannot run sendmail: %s; install an MTA or set sendmail in "
                               "the [pack] section",
                               strerror(errno));
    int in = open(eml_path, O_RDONLY);
    if (in < 0)
        return allot_error_set(err, ALLOT_ERR_IO, eml_path, 0, 0, "cannot open: %s",
                               strerror(errno));
    FILE *out = tmpfile();
    if (!out) {
        close(in);
        return allot_error_set(err, ALLOT_ERR_IO, NULL, 0, 0,
                               "cannot create a temporary file: %s", strerror(errno));
    }
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_adddup2(&fa, in, 0);
    posix_spawn_file_actions_adddup2(&fa, fileno(out), 1);
    posix_spawn_file_actions_adddup2(&fa, fileno(out), 2);
    char *argv[] = {(char *)sendmail_path, "-t", "-oi", NULL};
    pid_t pid;
    int rc = posix_spawn(&pid, sendmail_path, &fa, NULL, argv, environ);
    posix_spawn_file_actions_destroy(&fa);
    close(in);
    if (rc != 0) {
        fclose(out);
        return allot_error_set(err, ALLOT_ERR_IO, sendmail_path, 0, 0, "cannot run: %s",
                               strerror(rc));
    }
    long limit_ms = (timeout_seconds > 0 ? timeout_seconds : 120) * 1000, waited = 0;
    int status = 0, timed_out = 0;
    for (;;) {
        pid_t w = waitpid(pid, &status, WNOHANG);
        if (w == pid)
            break;
        if (w < 0 && errno != EINTR) {
            status = -1;
            break;
        }
        if (waited >= limit_ms) {
            kill(pid, SIGKILL);
            while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
                ;
            timed_out = 1;
            break;
        }
        struct timespec ts = {0, 10 * 1000 * 1000};
        nanosleep(&ts, NULL);
        waited += 10;
    }
    char said[1024];
    rewind(out);
    size_t n = fread(said, 1, sizeof said, out);
    fclose(out);
    set_reply(reply, reply_size, said, n);
    char clean[1024];
    set_reply(clean, sizeof clean, said, n);
    if (timed_out)
        return allot_error_set(err, ALLOT_ERR_IO, sendmail_path, 0, 0,
                               "sendmail did not finish within %ld s and was stopped",
                               limit_ms / 1000);
    if (status == -1 || !WIFEXITED(status) || WEXITSTATUS(status) != 0) {
        char how[64];
        if (status != -1 && WIFEXITED(status))
            snprintf(how, sizeof how, "exited with status %d", WEXITSTATUS(status));
        else if (status != -1 && WIFSIGNALED(status))
            snprintf(how, sizeof how, "was killed by signal %d", WTERMSIG(status));
        else
            snprintf(how, sizeof how, "could not be waited for");
        return allot_error_set(err, ALLOT_ERR_IO, sendmail_path, 0, 0, "sendmail %s%s%s", how,
                               clean[0] ? ": " : "", clean);
    }
    return ALLOT_OK;
}

/* ---- the password ---- */

allot_status allot_deliver_password(const char *env_name, const char *password_file,
                                    char **password, allot_error *err)
{
    *password = NULL;
    if (env_name && env_name[0]) {
        const char *v = getenv(env_name);
        if (v) {
            if (!v[0])
                return allot_error_set(err, ALLOT_ERR_CONFIG, NULL, 0, 0,
                                       "the environment variable %s (password_env) is empty",
                                       env_name);
            *password = strdup(v);
            return *password ? ALLOT_OK
                             : allot_error_set(err, ALLOT_ERR_NOMEM, NULL, 0, 0, "out of memory");
        }
        if (!password_file || !password_file[0])
            return allot_error_set(err, ALLOT_ERR_CONFIG, NULL, 0, 0,
                                   "the environment variable %s (password_env) is not set",
                                   env_name);
    }
    if (!password_file || !password_file[0])
        return allot_error_set(err, ALLOT_ERR_CONFIG, NULL, 0, 0,
                               "no SMTP password: set password_env or password_file in the "
                               "[pack] section");
    int fd = open(password_file, O_RDONLY | O_NOFOLLOW);
    if (fd < 0)
        return allot_error_set(err, errno == ELOOP ? ALLOT_ERR_CONFIG : ALLOT_ERR_IO,
                               password_file, 0, 0, "cannot open the password file: %s",
                               errno == ELOOP ? "it is a symbolic link" : strerror(errno));
    struct stat sb;
    if (fstat(fd, &sb) != 0 || !S_ISREG(sb.st_mode)) {
        close(fd);
        return allot_error_set(err, ALLOT_ERR_CONFIG, password_file, 0, 0,
                               "the password file is not a regular file");
    }
    if (sb.st_mode & 077) {
        close(fd);
        return allot_error_set(err, ALLOT_ERR_CONFIG, password_file, 0, 0,
                               "the password file has mode %04o and may be read by others; "
                               "refusing to use it: run chmod 600 '%s'",
                               (unsigned)(sb.st_mode & 07777), password_file);
    }
    if (sb.st_uid != geteuid()) {
        close(fd);
        return allot_error_set(err, ALLOT_ERR_CONFIG, password_file, 0, 0,
                               "the password file belongs to another user (uid %ld); "
                               "refusing to use it",
                               (long)sb.st_uid);
    }
    char line[1024];
    ssize_t n = read(fd, line, sizeof line - 1);
    close(fd);
    if (n < 0)
        return allot_error_set(err, ALLOT_ERR_IO, password_file, 0, 0, "cannot read: %s",
                               strerror(errno));
    line[n] = '\0';
    line[strcspn(line, "\r\n")] = '\0';
    if (!line[0]) {
        memset(line, 0, sizeof line);
        return allot_error_set(err, ALLOT_ERR_CONFIG, password_file, 0, 0,
                               "the password file's first line is empty");
    }
    *password = strdup(line);
    volatile char *wipe = line;
    for (size_t i = 0; i < sizeof line; i++)
        wipe[i] = 0;
    return *password ? ALLOT_OK
                     : allot_error_set(err, ALLOT_ERR_NOMEM, NULL, 0, 0, "out of memory");
}

void allot_deliver_password_free(char *password)
{
    if (!password)
        return;
    volatile char *p = password;
    for (size_t i = 0; p[i]; i++)
        p[i] = 0;
    free(password);
}
