package dev.weft;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

/** Weft: durable workflow automation on Temporal. */
@SpringBootApplication
@ConfigurationPropertiesScan
public class WeftApplication {

  public static void main(String[] args) {
    SpringApplication.run(WeftApplication.class, args);
  }
}
