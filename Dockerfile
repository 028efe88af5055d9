# Runs tt-vertx on the embedded store. Build the jar first: mvn -B -q package -DskipTests
# As a cluster node (TT_CLUSTER=true, TT_CLUSTER_HOST, TT_CLUSTER_MEMBERS, TT_CLUSTER_BUS_PORT), publish
# Hazelcast's 5701 and the event-bus port too.
FROM eclipse-temurin:17-jre
WORKDIR /opt/tt-vertx
COPY target/tt-vertx.jar tt-vertx.jar
COPY conf.json conf.json
VOLUME /opt/tt-vertx/data
EXPOSE 8080 8000 8400 8600 8700 5701
ENTRYPOINT ["java", "-XX:MaxGCPauseMillis=10", "-jar", "tt-vertx.jar", "--conf", "conf.json"]
