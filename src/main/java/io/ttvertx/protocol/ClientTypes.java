package io.ttvertx.protocol;

/**
 * TeamTalk's client classes: PC (0x01 Windows, 0x02 Mac) and mobile (0x11 iOS, 0x12 Android); the
 * class is {@code clientType >> 4}. One login per class is allowed (base/public_define.h).
 */
public final class ClientTypes {
  private ClientTypes() {
  }

  public static boolean isPc(int clientType) {
    return (clientType >> 4) == 0;
  }

  public static boolean isMobile(int clientType) {
    return (clientType >> 4) == 1;
  }

  public static boolean sameClass(int a, int b) {
    return (a >> 4) == (b >> 4);
  }
}
