/* fuzz_config.c: the configuration table: "key=value" lines into spoor_config_set,
 * then spoor_client_new's cross-key checks. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <spoor.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    char *text = malloc(size + 1);
    memcpy(text, data, size);
    text[size] = '\0';
    spoor_config_t *conf = spoor_config_new();
    char *save = NULL;
    for (char *line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
        char *eq = strchr(line, '=');
        if (!eq) continue;
        *eq = '\0';
        spoor_config_set(conf, line, eq + 1);
        char buf[256];
        spoor_config_get(conf, line, buf, sizeof buf);
    }
    spoor_client_t *c = NULL;
    if (spoor_client_new(&c, conf) == SPOOR_OK) spoor_client_destroy(c);
    spoor_config_destroy(conf);
    free(text);
    return 0;
}
