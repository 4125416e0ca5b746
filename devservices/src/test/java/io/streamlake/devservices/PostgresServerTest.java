package io.streamlake.devservices;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import org.junit.jupiter.api.Test;

class PostgresServerTest {
  @Test
  void startsARealServerThatAnswersSql() throws Exception {
    String url = PostgresServer.shared().jdbcUrl("smoke");
    try (Connection c = DriverManager.getConnection(url); Statement s = c.createStatement()) {
      s.execute("CREATE TABLE t (id int primary key, v text)");
      s.execute("INSERT INTO t VALUES (1, 'a') ON CONFLICT (id) DO UPDATE SET v = excluded.v");
      s.execute("INSERT INTO t VALUES (1, 'b') ON CONFLICT (id) DO UPDATE SET v = excluded.v");
      try (ResultSet rs = s.executeQuery("SELECT count(*), max(v), version() FROM t")) {
        rs.next();
        assertEquals(1, rs.getInt(1));
        assertEquals("b", rs.getString(2));
        System.out.println("PostgreSQL: " + rs.getString(3));
      }
    }
  }
}
