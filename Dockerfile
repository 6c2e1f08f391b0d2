# Build: docker build -t trialfhir .
FROM golang:1.26-bookworm AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
RUN CGO_ENABLED=0 go build -trimpath -ldflags="-s -w" -o /out/trialfhir ./cmd/trialfhir

FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /out/trialfhir /usr/local/bin/trialfhir
# The embedded store's directory, used when no MongoDB URI is set.
VOLUME ["/data"]
ENV TRIALFHIR_DATA_DIR=/data
EXPOSE 8080
ENTRYPOINT ["/usr/local/bin/trialfhir"]
CMD ["serve", "--addr", ":8080"]
