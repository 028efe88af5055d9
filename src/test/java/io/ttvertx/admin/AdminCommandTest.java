package io.ttvertx.admin;

import io.ttvertx.config.StoreOptions;
import io.vertx.core.Vertx;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static io.ttvertx.support.Await.await;
import static org.assertj.core.api.Assertions.assertThat;

/** The administration commands, as a user types them, on an embedded store in a temp directory. */
class AdminCommandTest {
  @TempDir
  Path dir;
  private Vertx vertx;
  private StoreOptions options;
  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();

  @BeforeEach
  void setUp() {
    vertx = Vertx.vertx();
    options = new StoreOptions().setType(StoreOptions.EMBEDDED).setEmbeddedPath(dir.resolve("tt").toString());
  }

  @AfterEach
  void tearDown() {
    await(vertx.close());
  }

  private int run(String... args) {
    out.reset();
    err.reset();
    return await(AdminCommand.run(vertx, options, List.of(args), new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8)));
  }

  private String out() {
    return out.toString(StandardCharsets.UTF_8);
  }

  private String err() {
    return err.toString(StandardCharsets.UTF_8);
  }

  @Test
  void addsAndListsUsersAndDepartments() {
    assertThat(run("depart", "add", "--name", "Sales", "--priority", "3")).isZero();
    assertThat(out()).contains("added department").contains("Sales");
    assertThat(run("user", "add", "--name", "alice", "--password", "secret", "--nick", "Alice", "--depart", "Sales"))
        .isZero();
    assertThat(run("user", "add", "--name", "bob", "--password", "pw")).isZero();
    assertThat(run("user", "add", "--name", "alice", "--password", "again")).isEqualTo(1);
    assertThat(err()).contains("'alice' already exists");
    assertThat(run("user", "list")).isZero();
    assertThat(out()).contains("1\talice\tAlice\tSales").contains("2\tbob\tbob\tDefault");
  }

  @Test
  void usageErrorsExitWith2() {
    assertThat(run("user", "add", "--name", "x")).isEqualTo(2);
    assertThat(err()).contains("--password is required").contains("usage:");
    assertThat(run("user", "remove")).isEqualTo(2);
    assertThat(run("depart", "add", "--name", "X", "--priority", "high")).isEqualTo(2);
  }

  @Test
  void importsThousandsOfRowsAtOnce() throws IOException {
    StringBuilder csv = new StringBuilder("name,password,nick,depart\n");
    for (int i = 0; i < 5000; i++) {
      csv.append("user").append(i).append(",pw").append(i).append(",User ").append(i).append(",Dept ").append(i % 7)
          .append('\n');
    }
    Path file = dir.resolve("users.csv");
    Files.writeString(file, csv);
    long started = System.nanoTime();
    assertThat(run("user", "import", file.toString())).isZero();
    System.out.printf("imported 5000 users into the embedded store in %d ms%n", (System.nanoTime() - started) / 1_000_000);
    assertThat(out()).contains("imported 5000 users");
    run("user", "list");
    assertThat(out().lines().count()).isEqualTo(5001);
  }

  @Test
  void aBadRowIsReportedByLineAndNothingIsImported() throws IOException {
    assertThat(run("user", "add", "--name", "taken", "--password", "pw")).isZero();
    Path badColumns = dir.resolve("bad.csv");
    Files.writeString(badColumns, "name,password,nick,depart\nann,pw,Ann,Dev\nben,pw,Ben\n");
    assertThat(run("user", "import", badColumns.toString())).isEqualTo(2);
    assertThat(err()).contains("line 3").contains("expected 4 columns");

    Path emptyPassword = dir.resolve("empty.csv");
    Files.writeString(emptyPassword, "name,password,nick,depart\nann,pw,Ann,Dev\nben,,Ben,Dev\n");
    assertThat(run("user", "import", emptyPassword.toString())).isEqualTo(2);
    assertThat(err()).contains("line 3").contains("password is empty");

    Path existing = dir.resolve("existing.csv");
    Files.writeString(existing, "name,password,nick,depart\nann,pw,Ann,Dev\ncid,pw,Cid,Dev\ntaken,pw,T,Dev\n");
    assertThat(run("user", "import", existing.toString())).isEqualTo(1);
    assertThat(err()).contains("line 4").contains("nothing was imported");

    Path header = dir.resolve("header.csv");
    Files.writeString(header, "user,pass\nann,pw\n");
    assertThat(run("user", "import", header.toString())).isEqualTo(2);
    assertThat(err()).contains("line 1");

    run("user", "list");
    assertThat(out()).doesNotContain("ann").doesNotContain("cid");
  }

  @Test
  void addsAndListsGroups() {
    run("user", "add", "--name", "alice", "--password", "pw");
    run("user", "add", "--name", "bob", "--password", "pw");
    assertThat(run("group", "add", "--name", "Everyone", "--members", "1, 2,99")).isZero();
    assertThat(out()).contains("added group 1 Everyone with 2 members");
    assertThat(run("group", "add", "--name", "Lunch", "--members", "2", "--creator", "1", "--type", "temp",
        "--avatar", "http://x/l.png")).isZero();
    assertThat(out()).contains("added group 2 Lunch with 2 members");
    assertThat(run("group", "list")).isZero();
    assertThat(out()).contains("1\tnormal\tEveryone\t2").contains("2\ttemp\tLunch\t2");

    assertThat(run("group", "add", "--name", "Nobody", "--members", "98,99")).isEqualTo(1);
    assertThat(err()).contains("at least one existing user");
    assertThat(run("group", "add", "--name", "X", "--members", "1,two")).isEqualTo(2);
    assertThat(run("group", "add", "--name", "X", "--members", "1", "--type", "secret")).isEqualTo(2);
    assertThat(run("group", "add", "--members", "1")).isEqualTo(2);
    assertThat(err()).contains("--name is required");
    assertThat(run("group", "list")).isZero();
    assertThat(out().lines().count()).isEqualTo(3);
  }
}
