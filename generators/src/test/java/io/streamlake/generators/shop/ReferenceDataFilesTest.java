package io.streamlake.generators.shop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.streamlake.events.shop.Product;
import io.streamlake.events.shop.User;
import io.streamlake.generators.core.GeneratorConfig;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReferenceDataFilesTest {
  private static final ShopScenario SCENARIO = new ShopScenario(30, 10);
  private static final GeneratorConfig CONFIG = GeneratorConfig.builder().seed(5).build();

  @TempDir
  Path dir;

  @Test
  void filesReadBackAsTheSameUsersProductsAndVips() {
    ReferenceDataFiles.write(dir, SCENARIO, CONFIG);
    assertEquals(SCENARIO.users(CONFIG), ReferenceDataFiles.readUsers(dir.resolve(ReferenceDataFiles.USERS_FILE)));
    assertEquals(SCENARIO.products(CONFIG), ReferenceDataFiles.readProducts(dir.resolve(ReferenceDataFiles.PRODUCTS_FILE)));
    assertEquals(SCENARIO.vipUserIds(CONFIG), ReferenceDataFiles.readVip(dir.resolve(ReferenceDataFiles.VIP_FILE)));
  }

  @Test
  void oneSnakeCaseObjectPerLineWithIsoTimestamps() throws IOException {
    ReferenceDataFiles.write(dir, SCENARIO, CONFIG);
    List<String> lines = Files.readAllLines(dir.resolve(ReferenceDataFiles.USERS_FILE), StandardCharsets.UTF_8);
    assertEquals(30, lines.size());
    User first = SCENARIO.user(CONFIG, 0);
    JsonNode node = new ObjectMapper().readTree(lines.get(0));
    assertEquals(first.getUserId(), node.get("user_id").asText());
    assertEquals(first.getSignedUpAt().toString(), node.get("signed_up_at").asText());
    assertTrue(node.get("signed_up_at").asText().endsWith("Z"));
    JsonNode product = new ObjectMapper().readTree(
        Files.readAllLines(dir.resolve(ReferenceDataFiles.PRODUCTS_FILE)).get(0));
    Product p = SCENARIO.product(CONFIG, 0);
    assertEquals(p.getPriceMinor(), product.get("price_minor").longValue());
    assertTrue(product.get("price_minor").isIntegralNumber());
    assertEquals("2026-01-01T00:00:00Z", product.get("updated_at").asText());
    JsonNode vip = new ObjectMapper().readTree(Files.readString(dir.resolve(ReferenceDataFiles.VIP_FILE)));
    assertTrue(vip.isArray());
  }

  @Test
  void malformedLineIsReportedWithItsLineNumber() throws IOException {
    ReferenceDataFiles.write(dir, SCENARIO, CONFIG);
    Path users = dir.resolve(ReferenceDataFiles.USERS_FILE);
    List<String> lines = new java.util.ArrayList<>(Files.readAllLines(users));
    lines.set(2, lines.get(2).replaceFirst("\"signed_up_at\":\"[^\"]*\"", "\"signed_up_at\":\"yesterday\""));
    Files.write(users, lines);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ReferenceDataFiles.readUsers(users));
    assertTrue(e.getMessage().contains("line 3") && e.getMessage().contains("signed_up_at"), e.getMessage());
  }
}
