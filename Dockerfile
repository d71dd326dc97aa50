# The simulator, `f7t-conformance serve`, listening on port 8000 of the container.
# No registry is needed: the base is made from node_modules by docker/base-image.sh (run it first).
#   docker build -t f7t-conformance .
#   docker run --rm -p 8000:8000 f7t-conformance [--public-url URL] [--no-control-plane] [--seed N] ...
# --public-url names the URL clients use when it is not http://127.0.0.1:8000 (tokens carry it as
# issuer, presigned S3 URLs point at it).
ARG BASE_IMAGE=f7t-conformance-base:node24

# The context (see .dockerignore), with node_modules cut down to the production dependencies.
FROM ${BASE_IMAGE} AS app
COPY . /app
RUN ["node", "/app/docker/trim-app.ts"]

# One layer on the base: the vfs storage driver stores every layer as a full copy.
FROM ${BASE_IMAGE}
COPY --from=app /app /app
WORKDIR /app
USER 10001:10001
# glibc gives each thread its own malloc arena; under steady load they fragment into about
# 100 MB more RSS, in steps. Two arenas keep a long-running simulator flat (see npm run soak).
ENV MALLOC_ARENA_MAX=2
EXPOSE 8000
ENTRYPOINT ["node", "bin/f7t-conformance.ts", "serve", "--host", "0.0.0.0", "--port", "8000"]
