# syntax=docker/dockerfile:1
# Weft's image: built with the Maven wrapper on a Temurin 21 JDK, run on a Temurin 21 JRE as a non-root user.
#   docker build -t weft .        (docker-compose.yml builds it for you)

FROM eclipse-temurin:21.0.8_9-jdk-noble AS build
WORKDIR /src
# The wrapper and the POM first: their dependency layer is reused while only the sources change.
COPY mvnw pom.xml ./
COPY .mvn/ .mvn/
RUN ./mvnw -B -q dependency:go-offline || true
COPY src/ src/
RUN ./mvnw -B -DskipTests package

FROM eclipse-temurin:21.0.8_9-jre-noble
# curl for the health check only.
RUN apt-get update \
 && apt-get install -y --no-install-recommends curl \
 && rm -rf /var/lib/apt/lists/* \
 && groupadd --system weft \
 && useradd --system --gid weft --home-dir /app --shell /usr/sbin/nologin weft \
 && mkdir -p /app/data \
 && chown -R weft:weft /app
WORKDIR /app
COPY --from=build /src/target/weft-0.1.0-SNAPSHOT.jar /app/weft.jar
USER weft
EXPOSE 8080
HEALTHCHECK --interval=10s --timeout=5s --start-period=90s --retries=6 \
  CMD curl -fsS http://127.0.0.1:8080/actuator/health || exit 1
ENTRYPOINT ["java", "-XX:MaxRAMPercentage=75", "-jar", "/app/weft.jar"]
