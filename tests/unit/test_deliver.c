/* Delivery settings that must be refused before anything is sent, and the
 * password rules. No network: every case here fails before connecting
 * (the real SMTP exchanges are in tests/e2e/pack.sh against aiosmtpd). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include "deliver.h"

static char dir[64];

static void path_in(char *out, const char *name)
{
    snprintf(out, 128, "%s/%s", dir, name);
}

static void write_file(const char *path, const char *text, mode_t mode)
{
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
    assert_int_equal(chmod(path, mode), 0);
}

static int setup(void **state)
{
    (void)state;
    snprintf(dir, sizeof dir, "/tmp/allot-test-deliver-%ld", (long)getpid());
    mkdir(dir, 0700);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    const char *names[] = {"pw600", "pw400", "pw644", "pw640", "pwempty", "pwlink", "msg.eml"};
    char p[128];
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        path_in(p, names[i]);
        unlink(p);
    }
    rmdir(dir);
    return 0;
}

static void password_file_modes(void **state)
{
    (void)state;
    char p[128], *pw;
    allot_error err;
    path_in(p, "pw600");
    write_file(p, "s3cret\nsecond line ignored\n", 0600);
    assert_int_equal(allot_deliver_password(NULL, p, &pw, &err), ALLOT_OK);
    assert_string_equal(pw, "s3cret");
    allot_deliver_password_free(pw);
    path_in(p, "pw400");
    write_file(p, "ro\r\n", 0400);
    assert_int_equal(allot_deliver_password("", p, &pw, &err), ALLOT_OK);
    assert_string_equal(pw, "ro");
    allot_deliver_password_free(pw);
    path_in(p, "pw644");
    write_file(p, "s3cret\n", 0644);
    assert_int_equal(allot_deliver_password(NULL, p, &pw, &err), ALLOT_ERR_CONFIG);
    assert_null(pw);
    assert_non_null(strstr(err.message, "has mode 0644"));
    assert_non_null(strstr(err.message, "chmod 600"));
    assert_null(strstr(err.message, "s3cret"));
    path_in(p, "pw640");
    write_file(p, "s3cret\n", 0640);
    assert_int_equal(allot_deliver_password(NULL, p, &pw, &err), ALLOT_ERR_CONFIG);
    path_in(p, "pwempty");
    write_file(p, "\n", 0600);
    assert_int_equal(allot_deliver_password(NULL, p, &pw, &err), ALLOT_ERR_CONFIG);
    /* a symbolic link could point anywhere: refused */
    char target[128], link[128];
    path_in(target, "pw600");
    path_in(link, "pwlink");
    assert_int_equal(symlink(target, link), 0);
    assert_int_equal(allot_deliver_password(NULL, link, &pw, &err), ALLOT_ERR_CONFIG);
    path_in(p, "missing");
    assert_int_equal(allot_deliver_password(NULL, p, &pw, &err), ALLOT_ERR_IO);
    assert_int_equal(allot_deliver_password(NULL, NULL, &pw, &err), ALLOT_ERR_CONFIG);
}

static void password_from_environment(void **state)
{
    (void)state;
    char p[128], *pw;
    allot_error err;
    path_in(p, "pw600");
    setenv("ALLOT_TEST_PW", "from-env", 1);
    assert_int_equal(allot_deliver_password("ALLOT_TEST_PW", p, &pw, &err), ALLOT_OK);
    assert_string_equal(pw, "from-env"); /* the variable wins over the file */
    allot_deliver_password_free(pw);
    setenv("ALLOT_TEST_PW", "", 1);
    assert_int_equal(allot_deliver_password("ALLOT_TEST_PW", p, &pw, &err), ALLOT_ERR_CONFIG);
    assert_non_null(strstr(err.message, "is empty"));
    unsetenv("ALLOT_TEST_PW");
    assert_int_equal(allot_deliver_password("ALLOT_TEST_PW", p, &pw, &err), ALLOT_OK);
    assert_string_equal(pw, "s3cret"); /* unset: the file */
    allot_deliver_password_free(pw);
    assert_int_equal(allot_deliver_password("ALLOT_TEST_PW", NULL, &pw, &err), ALLOT_ERR_CONFIG);
    assert_non_null(strstr(err.message, "is not set"));
}

static void smtp_settings_refused_before_connecting(void **state)
{
    (void)state;
    char eml[128], reply[64];
    path_in(eml, "msg.eml");
    write_file(eml, "Subject: x\r\n\r\nx\r\n", 0600);
    const char *rcpt[] = {"ada@example.com"};
    allot_error err;
    allot_smtp s = {.host = "mail.example.com", .port = 587, .tls = ALLOT_SMTP_TLS_NONE,
                    .user = "bot", .password = "pw"};
    /* a password in clear text to a remote host */
    assert_int_equal(allot_deliver_smtp(&s, "r@example.com", rcpt, 1, eml, reply, sizeof reply, &err),
                     ALLOT_ERR_CONFIG);
    assert_non_null(strstr(err.message, "without TLS"));
    assert_null(strstr(err.message, "pw"));
    /* host names that would change the URL */
    allot_smtp bad = {.host = "evil.example/x@y", .port = 25};
    assert_int_equal(allot_deliver_smtp(&bad, "r@example.com", rcpt, 1, eml, reply, sizeof reply, &err),
                     ALLOT_ERR_CONFIG);
    bad.host = "";
    assert_int_equal(allot_deliver_smtp(&bad, "r@example.com", rcpt, 1, eml, reply, sizeof reply, &err),
                     ALLOT_ERR_CONFIG);
    allot_smtp port = {.host = "127.0.0.1", .port = 70000};
    assert_int_equal(allot_deliver_smtp(&port, "r@example.com", rcpt, 1, eml, reply, sizeof reply, &err),
                     ALLOT_ERR_CONFIG);
    /* user without password */
    allot_smtp nopw = {.host = "127.0.0.1", .port = 25, .user = "bot"};
    assert_int_equal(allot_deliver_smtp(&nopw, "r@example.com", rcpt, 1, eml, reply, sizeof reply, &err),
                     ALLOT_ERR_CONFIG);
    /* CR/LF must never reach MAIL FROM or RCPT TO */
    allot_smtp ok = {.host = "127.0.0.1", .port = 25};
    const char *evil[] = {"ada@example.com>\r\nRCPT TO:<eve@evil.example"};
    assert_int_equal(allot_deliver_smtp(&ok, "r@example.com", evil, 1, eml, reply, sizeof reply, &err),
                     ALLOT_ERR_DATA);
    assert_int_equal(allot_deliver_smtp(&ok, "r@example.com\r\nX", rcpt, 1, eml, reply, sizeof reply, &err),
                     ALLOT_ERR_DATA);
    assert_int_equal(allot_deliver_smtp(&ok, "r@example.com", rcpt, 0, eml, reply, sizeof reply, &err),
                     ALLOT_ERR_DATA);
}

static void sendmail_needs_an_absolute_program(void **state)
{
    (void)state;
    char eml[128], reply[64];
    path_in(eml, "msg.eml");
    allot_error err;
    assert_int_equal(allot_deliver_sendmail("sendmail", eml, 5, reply, sizeof reply, &err),
                     ALLOT_ERR_CONFIG);
    assert_int_equal(allot_deliver_sendmail("/nonexistent/sendmail", eml, 5, reply, sizeof reply, &err),
                     ALLOT_ERR_IO);
    /* /bin/false exits 1: a failure with its status */
    assert_int_equal(allot_deliver_sendmail("/bin/false", eml, 5, reply, sizeof reply, &err),
                     ALLOT_ERR_IO);
    assert_non_null(strstr(err.message, "exited with status 1"));
    /* /bin/true reads nothing and exits 0: delivered as far as we can tell */
    assert_int_equal(allot_deliver_sendmail("/bin/true", eml, 5, reply, sizeof reply, &err),
                     ALLOT_OK);
    assert_string_equal(reply, "");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(password_file_modes),
        cmocka_unit_test(password_from_environment),
        cmocka_unit_test(smtp_settings_refused_before_connecting),
        cmocka_unit_test(sendmail_needs_an_absolute_program),
    };
    return cmocka_run_group_tests_name("deliver", tests, setup, teardown);
}
