package io.ttvertx.store;

/**
 * A user to create: login name, plain password (hashed by the store the TeamTalk way), nick (the name
 * when null or empty) and department name (a department of that name is created when missing; the
 * default department when null or empty).
 */
public record NewUser(String name, String password, String nick, String depart) {
}
