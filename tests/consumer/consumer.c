/* A C program built against the installed library through pkg-config (vkception.pc) only. */
#include <stdio.h>
#include <vkception/vkception.h>

int main(void) {
  int count = 0;
  if (vkc_device_count(&count) != VKC_OK || count < 1) {
    fprintf(stderr, "consumer.c: no device: %s\n", vkc_last_error());
    return 1;
  }
  printf("vkception %s C consumer: %d Vulkan device(s)\n", vkc_version(), count);
  return 0;
}
