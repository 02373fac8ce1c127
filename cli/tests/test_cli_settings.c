/* test_cli_settings.c: settings from options, the environment and files
 * (settings.c): names derived from the core's property table, precedence,
 * secrets kept out of the process's arguments. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include "settings.h"

static void clear_env(void) {
    const spoor_property_t *p;
    for (size_t i = 0; (p = spoor_config_property(i)); i++) {
        char var[128];
        cli_settings_env_name(p->name, "", var, sizeof var);
        unsetenv(var);
        cli_settings_env_name(p->name, "_FILE", var, sizeof var);
        unsetenv(var);
    }
}

static int setup(void **state) {
    (void)state;
    clear_env();
    return 0;
}

static const char *get(const spoor_config_t *conf, const char *key) {
    static char value[256];
    assert_int_equal(spoor_config_get(conf, key, value, sizeof value), SPOOR_OK);
    return value;
}

/* Parse argv[0..argc) as options; every one must be a setting's. */
static cli_settings_t *parse(int argc, char **argv) {
    cli_settings_t *s = cli_settings_new();
    for (int i = 0; i < argc; i++) assert_int_equal(cli_settings_option(s, argc, argv, &i), 1);
    return s;
}

static void every_key_is_an_option_and_a_variable(void **state) {
    (void)state;
    const spoor_property_t *p;
    char var[128];
    cli_settings_env_name("api_key", "", var, sizeof var);
    assert_string_equal(var, "SPOOR_API_KEY");
    cli_settings_env_name("api_key", "_FILE", var, sizeof var);
    assert_string_equal(var, "SPOOR_API_KEY_FILE");
    for (size_t i = 0; (p = spoor_config_property(i)); i++) { /* --key-with-dashes and --key_with_underscores */
        char opt[128], one[] = "1", *argv[2] = {opt, one}; /* writable: a secret's value is blanked */
        int j = 0;
        snprintf(opt, sizeof opt, "--%s", p->name);
        cli_settings_t *s = cli_settings_new();
        assert_int_equal(cli_settings_option(s, 2, argv, &j), 1);
        assert_string_equal(cli_settings_source(s, p->name), "command line");
        for (char *c = opt; *c; c++) *c = *c == '_' ? '-' : *c;
        j = 0;
        assert_int_equal(cli_settings_option(s, 2, argv, &j), 1);
        cli_settings_free(s);
    }
    char *unknown[] = {(char *)"--flush-att", (char *)"5"};
    int j = 0;
    cli_settings_t *s = cli_settings_new();
    assert_int_equal(cli_settings_option(s, 2, unknown, &j), 0);
    cli_settings_free(s);
}

static void values_flags_and_precedence(void **state) {
    (void)state;
    setenv("SPOOR_HOST", "http://env.example", 1);
    setenv("SPOOR_FLUSH_AT", "7", 1);
    setenv("SPOOR_GZIP", "true", 1);
    setenv("SPOOR_RETRY_LIMIT", "", 1); /* empty: unset */
    char *argv[] = {(char *)"--flush-at", (char *)"5", (char *)"--no-gzip", (char *)"--max_queue_size=123",
                    (char *)"--debug"};
    cli_settings_t *s = parse(5, argv);
    spoor_config_t *conf = cli_settings_config(s);
    assert_non_null(conf);
    assert_string_equal(get(conf, "host"), "http://env.example");
    assert_string_equal(get(conf, "flush_at"), "5"); /* the option wins */
    assert_string_equal(get(conf, "gzip"), "false");
    assert_string_equal(get(conf, "max_queue_size"), "123");
    assert_string_equal(get(conf, "debug"), "true");
    assert_string_equal(get(conf, "retry_limit"), "100");
    assert_string_equal(get(conf, "binding"), "cli");
    assert_string_equal(cli_settings_source(s, "host"), "environment");
    assert_string_equal(cli_settings_source(s, "flush_at"), "command line");
    assert_string_equal(cli_settings_source(s, "timeout"), "default");
    spoor_config_destroy(conf);
    cli_settings_free(s);
    clear_env();
    /* A value the core refuses: no configuration. */
    setenv("SPOOR_FLUSH_AT", "0", 1);
    s = cli_settings_new();
    assert_null(cli_settings_config(s));
    cli_settings_free(s);
    clear_env();
    /* A missing value. */
    char *alone[] = {(char *)"--host"};
    int i = 0;
    s = cli_settings_new();
    assert_int_equal(cli_settings_option(s, 1, alone, &i), -1);
    cli_settings_free(s);
}

static void secrets_from_files_and_hidden_arguments(void **state) {
    (void)state;
    char dir[] = "/tmp/spoor-cli-settings-XXXXXX", path[64];
    assert_non_null(mkdtemp(dir));
    snprintf(path, sizeof path, "%s/key", dir);
    FILE *f = fopen(path, "w");
    fputs("from-file\r\n\n", f);
    fclose(f);
    chmod(path, 0600);
    setenv("SPOOR_HOST", "http://h.example", 1);
    setenv("SPOOR_SECRET_FILE", path, 1);
    char key[] = "sk-from-argv", *argv[] = {(char *)"--api-key", key, (char *)"--password-file", path,
                                            (char *)"--username", (char *)"ann"};
    cli_settings_t *s = parse(6, argv);
    assert_string_equal(key, "xxxxxxxxxxxx"); /* what ps shows from here on */
    spoor_config_t *conf = cli_settings_config(s);
    assert_non_null(conf);
    assert_string_equal(get(conf, "api_key"), "***");
    spoor_client_t *client = NULL;
    assert_int_equal(spoor_client_new(&client, conf), SPOOR_OK); /* the values themselves were set */
    spoor_client_destroy(client);
    spoor_config_destroy(conf);
    cli_settings_free(s);
    /* A value and a file for one key: ambiguous, refused. */
    setenv("SPOOR_SECRET", "x", 1);
    s = cli_settings_new();
    assert_null(cli_settings_config(s));
    cli_settings_free(s);
    /* An empty file is an error, not an empty secret. */
    unsetenv("SPOOR_SECRET");
    f = fopen(path, "w");
    fputs("\n", f);
    fclose(f);
    s = cli_settings_new();
    assert_null(cli_settings_config(s));
    cli_settings_free(s);
    unlink(path);
    rmdir(dir);
    clear_env();
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(every_key_is_an_option_and_a_variable, setup),
        cmocka_unit_test_setup(values_flags_and_precedence, setup),
        cmocka_unit_test_setup(secrets_from_files_and_hidden_arguments, setup),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
