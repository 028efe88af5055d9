package io.ttvertx.admin;

import io.ttvertx.config.StoreOptions;
import io.ttvertx.store.DepartmentRecord;
import io.ttvertx.store.GroupRecord;
import io.ttvertx.store.NewUser;
import io.ttvertx.store.Store;
import io.ttvertx.store.StoreException;
import io.ttvertx.store.Stores;
import io.ttvertx.store.UserRecord;
import io.vertx.core.Future;
import io.vertx.core.Vertx;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * User administration without TeamTalk's PHP panel: {@code user add|import|list},
 * {@code depart add} and {@code group add|list}, on whichever store the configuration selects.
 * TeamTalk creates normal groups from administration; clients create temporary ones.
 */
public final class AdminCommand {
  static final String CSV_HEADER = "name,password,nick,depart";

  private AdminCommand() {
  }

  /** Runs one command; completes with the process exit code (0 ok, 1 failed, 2 usage error). */
  public static Future<Integer> run(Vertx vertx, StoreOptions options, List<String> args, PrintStream out,
                                    PrintStream err) {
    Command command;
    try {
      command = parse(args);
    } catch (UsageException e) {
      err.println(e.getMessage());
      err.println(USAGE);
      return Future.succeededFuture(2);
    } catch (IOException e) {
      err.println("cannot read " + e.getMessage());
      return Future.succeededFuture(1);
    }
    Store store = Stores.create(vertx, options);
    return store.start()
        .compose(v -> command.run(store, out))
        .map(v -> 0)
        .recover(failure -> {
          err.println(failure instanceof StoreException ? failure.getMessage() : "failed: " + failure);
          return Future.succeededFuture(1);
        })
        .compose(code -> store.close().map(code).otherwise(code));
  }

  static final String USAGE = """
      usage: user add --name NAME --password PASSWORD [--nick NICK] [--depart DEPARTMENT]
             user import FILE.csv        (header line: name,password,nick,depart)
             user list
             depart add --name NAME [--parent ID] [--priority N]
             group add --name NAME --members ID,ID,... [--creator USER_ID] [--type normal|temp] [--avatar URL]
             group list""";

  private interface Command {
    Future<Void> run(Store store, PrintStream out);
  }

  private static final class UsageException extends Exception {
    UsageException(String message) {
      super(message, null, false, false);
    }
  }

  private static Command parse(List<String> args) throws UsageException, IOException {
    if (args.size() < 2) {
      throw new UsageException("missing command");
    }
    String what = args.get(0) + " " + args.get(1);
    List<String> rest = args.subList(2, args.size());
    switch (what) {
      case "user add" -> {
        Map<String, String> flags = flags(rest, List.of("--name", "--password", "--nick", "--depart"));
        NewUser user = new NewUser(required(flags, "--name"), required(flags, "--password"), flags.get("--nick"),
            flags.get("--depart"));
        return (store, out) -> store.addUser(user).map(created -> {
          out.println("added user " + created.id() + " " + created.name());
          return null;
        });
      }
      case "user import" -> {
        if (rest.size() != 1) {
          throw new UsageException("user import takes one file");
        }
        CsvUsers csv = CsvUsers.read(Path.of(rest.get(0)));
        return (store, out) -> store.importUsers(csv.users())
            .recover(failure -> Future.failedFuture(failure instanceof StoreException ? csv.locate((StoreException) failure)
                : failure))
            .map(count -> {
              out.println("imported " + count + " users");
              return null;
            });
      }
      case "user list" -> {
        if (!rest.isEmpty()) {
          throw new UsageException("user list takes no arguments");
        }
        return (store, out) -> store.departmentsUpdatedSince(0).compose(departments -> store.listUsers().map(users -> {
          Map<Integer, String> names = new HashMap<>();
          departments.forEach(d -> names.put(d.id(), d.name()));
          out.println("id\tname\tnick\tdepart");
          for (UserRecord user : users) {
            out.println(user.id() + "\t" + user.name() + "\t" + user.nick() + "\t"
                + names.getOrDefault(user.departId(), Integer.toString(user.departId())));
          }
          return null;
        }));
      }
      case "depart add" -> {
        Map<String, String> flags = flags(rest, List.of("--name", "--parent", "--priority"));
        String name = required(flags, "--name");
        int parent = number(flags, "--parent");
        int priority = number(flags, "--priority");
        return (store, out) -> store.addDepartment(name, parent, priority).map((DepartmentRecord created) -> {
          out.println("added department " + created.id() + " " + created.name());
          return null;
        });
      }
      case "group add" -> {
        Map<String, String> flags = flags(rest, List.of("--name", "--members", "--creator", "--type", "--avatar"));
        String name = required(flags, "--name");
        List<Integer> members = numbers(required(flags, "--members"), "--members");
        int creator = number(flags, "--creator");
        int type = switch (flags.getOrDefault("--type", "normal")) {
          case "normal" -> Store.GROUP_TYPE_NORMAL;
          case "temp" -> Store.GROUP_TYPE_TEMPORARY;
          default -> throw new UsageException("--type is normal or temp");
        };
        String avatar = flags.getOrDefault("--avatar", "");
        return (store, out) -> store.createGroup(creator, name, avatar, type, members).map(created -> {
          out.println("added group " + created.id() + " " + created.name() + " with " + created.members().size()
              + " members");
          return null;
        });
      }
      case "group list" -> {
        if (!rest.isEmpty()) {
          throw new UsageException("group list takes no arguments");
        }
        return (store, out) -> store.listGroups().map(groups -> {
          out.println("id\ttype\tname\tmembers");
          for (GroupRecord group : groups) {
            out.println(group.id() + "\t" + (group.type() == Store.GROUP_TYPE_NORMAL ? "normal" : "temp") + "\t"
                + group.name() + "\t" + group.members().size());
          }
          return null;
        });
      }
      default -> throw new UsageException("unknown command: " + what);
    }
  }

  private static Map<String, String> flags(List<String> args, List<String> known) throws UsageException {
    Map<String, String> flags = new HashMap<>();
    for (int i = 0; i < args.size(); i += 2) {
      String flag = args.get(i);
      if (!known.contains(flag)) {
        throw new UsageException("unknown option " + flag);
      }
      if (i + 1 >= args.size()) {
        throw new UsageException(flag + " needs a value");
      }
      flags.put(flag, args.get(i + 1));
    }
    return flags;
  }

  private static String required(Map<String, String> flags, String flag) throws UsageException {
    String value = flags.get(flag);
    if (value == null || value.isBlank()) {
      throw new UsageException(flag + " is required");
    }
    return value;
  }

  private static int number(Map<String, String> flags, String flag) throws UsageException {
    String value = flags.get(flag);
    if (value == null) {
      return 0;
    }
    try {
      return Integer.parseInt(value);
    } catch (NumberFormatException e) {
      throw new UsageException(flag + " must be a number");
    }
  }

  private static List<Integer> numbers(String list, String flag) throws UsageException {
    List<Integer> numbers = new ArrayList<>();
    for (String item : list.split(",")) {
      try {
        numbers.add(Integer.parseInt(item.trim()));
      } catch (NumberFormatException e) {
        throw new UsageException(flag + " takes user ids separated by commas");
      }
    }
    return numbers;
  }

  /** The rows of a users.csv, each with its line number, checked before anything is stored. */
  record CsvUsers(List<NewUser> users, List<Integer> lines) {
    static CsvUsers read(Path file) throws IOException, UsageException {
      List<String> text;
      try {
        text = Files.readAllLines(file, StandardCharsets.UTF_8);
      } catch (IOException e) {
        throw new IOException(file + ": " + e.getMessage(), e);
      }
      if (text.isEmpty() || !text.get(0).replace("\uFEFF", "").trim().equals(CSV_HEADER)) {
        throw new UsageException(file + " line 1: the header must be '" + CSV_HEADER + "'");
      }
      List<NewUser> users = new ArrayList<>();
      List<Integer> lines = new ArrayList<>();
      Map<String, Integer> seen = new HashMap<>();
      for (int i = 1; i < text.size(); i++) {
        int line = i + 1;
        String row = text.get(i);
        if (row.isBlank()) {
          continue;
        }
        String[] cells = row.split(",", -1);
        if (cells.length != 4) {
          throw new UsageException(file + " line " + line + ": expected 4 columns (" + CSV_HEADER + "), found "
              + cells.length);
        }
        String name = cells[0].trim();
        String password = cells[1].trim();
        if (name.isEmpty() || name.length() > 32) {
          throw new UsageException(file + " line " + line + ": the name must have 1 to 32 characters");
        }
        if (password.isEmpty()) {
          throw new UsageException(file + " line " + line + ": the password is empty");
        }
        Integer earlier = seen.putIfAbsent(name, line);
        if (earlier != null) {
          throw new UsageException(file + " line " + line + ": user '" + name + "' already on line " + earlier);
        }
        users.add(new NewUser(name, password, cells[2].trim(), cells[3].trim()));
        lines.add(line);
      }
      return new CsvUsers(users, lines);
    }

    /** Adds the line number of the user a store refusal names. */
    StoreException locate(StoreException failure) {
      for (int i = 0; i < users.size(); i++) {
        if (failure.getMessage().contains("'" + users.get(i).name() + "'")) {
          return new StoreException("line " + lines.get(i) + ": " + failure.getMessage() + "; nothing was imported");
        }
      }
      return new StoreException(failure.getMessage() + "; nothing was imported");
    }
  }
}
