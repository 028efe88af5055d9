# Runs tt-vertx on the embedded store. Build the jar first: mvn -B -q package -DskipTests
FROM eclipse-temurin:17-jre
WORKDIR /opt/tt-vertx
COPY target/tt-vertx.jar tt-vertx.jar
COPY conf.json conf.json
VOLUME /opt/tt-vertx/data
EXPOSE 8080 8000
ENTRYPOINT ["java", "-XX:MaxGCPauseMillis=10", "-jar", "tt-vertx.jar", "--conf", "conf.json"]
