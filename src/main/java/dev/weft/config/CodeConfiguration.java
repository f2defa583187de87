package dev.weft.config;

import dev.weft.node.code.CodeRunners;
import dev.weft.node.code.CodeSettings;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.event.EventListener;

/** The code node's runner processes: stopped with the application, prewarmed where runs execute. */
@Configuration(proxyBeanMethods = false)
public class CodeConfiguration {

  @Bean(destroyMethod = "close")
  CodeRunners codeRunners(CodeSettings settings) {
    return new CodeRunners(settings);
  }

  @Bean
  Prewarm codeRunnersPrewarm(CodeRunners runners, WeftProperties props) {
    return new Prewarm(runners, props.role().runsWorkers());
  }

  /** Starts the prewarmed languages' first runners once the application is up. */
  record Prewarm(CodeRunners runners, boolean worker) {
    @EventListener(ApplicationReadyEvent.class)
    public void ready() {
      if (worker) runners.prewarm();
    }
  }
}
